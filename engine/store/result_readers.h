#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cimscope {

class H5File;

// Torch-free readers of the result files the pipeline writes (docs/hdf5-schema.md), for the UI
// and tools that must not load LibTorch. Each takes a `group`: "" for the file's own root, or
// "/stages/<name>" for the copy of a stage file inside a run file. StoreError on a missing or
// malformed object, naming the file and the path.

// Per weight layer importance of one Stage 1 step ("/morph/<step>/importance").
struct MorphLayerImportance {
  std::string name;            // weight layer (from /morph "layer_names")
  bool has_batch_norm = false;  // false for the classifier: no |gamma|
  double sum = 0;              // sum |gamma|
  double share = 0;            // sum / total, 0..1
  std::vector<double> gamma;   // |gamma| per output channel
};
struct MorphImportanceFile {
  std::string step;                          // the step read ("finetune", ...)
  std::vector<std::string> steps;            // every step in the group, in order
  std::vector<MorphLayerImportance> layers;  // forward order
  double total = 0;
};
// `step` "": the last step that has an importance table.
MorphImportanceFile readMorphImportance(const H5File& file, const std::string& group = "",
                                        const std::string& step = "");

// The accuracy-vs-ADC-bits results (format "cimscope-adc-sweep", written by runAdcSweep).
struct AdcSweepFilePoint {
  int adc_bits = 0;
  double unaware_accuracy = 0;
  double aware_accuracy = -1;  // -1: not run
  double seconds = 0;
};
struct AdcSweepFile {
  double float_accuracy = -1;      // -1: unknown
  double quantized_accuracy = 0;   // weights/activations only
  std::vector<AdcSweepFilePoint> points;
};
AdcSweepFile readAdcSweepFile(const H5File& file, const std::string& group = "");

// A design-space sweep (format "cimscope-sweep": /points table, root attribute "axes").
struct SweepFileRow {
  std::int64_t index = 0;
  bool ok = true;
  std::string error;
  std::vector<std::string> values_json;  // one per axis, as JSON text ("256", "\"dense\"")
  std::int64_t macros = 0;
  std::int64_t tiles = 0;
  std::int64_t latency_cycles = 0;
  std::int64_t weight_load_cycles_per_inference = 0;
  double utilization = 0;
  double latency_us = 0;
  double energy_pj = 0;
  double accuracy = 0;  // NaN when not evaluated
};
struct SweepFile {
  std::string config_json;             // root "config"
  std::vector<std::string> axes;       // field names, in point order
  std::int64_t points_total = 0;
  std::vector<SweepFileRow> rows;      // in the order they finished
};
SweepFile readSweepFile(const H5File& file);

// A float64 (or any numeric) scalar attribute; nullopt-like `fallback` when absent.
double doubleAttribute(const H5File& file, const std::string& object_path,
                       const std::string& name, double fallback);

}  // namespace cimscope
