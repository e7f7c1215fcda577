#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/adapt/adc_sweep.h"
#include "engine/adapt/morph_config.h"
#include "engine/adapt/qat.h"
#include "engine/adapt/train_config.h"
#include "engine/cim/macro_spec.h"
#include "engine/data/dataset_catalog.h"
#include "engine/nn/spec/network_spec.h"

namespace cimscope {

// The design-space sweep: the Cartesian product of `axes`, each point run as `evaluate` says.
struct SweepConfig {
  // field -> values. Fields: any MacroSpec key (rows, cols, active_wordlines, adc_bits, ...,
  // packing, row_split, slice_combine). Points run in the order of the product with the axes
  // sorted by name and the first axis varying slowest; a point's index is its position.
  std::map<std::string, std::vector<nlohmann::json>> axes;
  std::string evaluate = "mapping";  // "mapping": mapping and cost only (fast); "evaluate":
                                     // also the test accuracy of `checkpoint` on each point's
                                     // macro (quantizer and ADC steps calibrated, no retraining);
                                     // "retrain": the accuracy after ADC-aware QAT (stage2.train)
                                     // on each point's macro (one point at a time)
  std::string checkpoint;            // "evaluate": a float or Stage 2 checkpoint
  int calibration_batches = 2;       // "evaluate": training batches that calibrate the steps
  int threads = 0;                   // worker threads for independent points; 0 = all cores

  std::int64_t pointCount() const;   // product of the axis lengths (0 without axes)
};

// Stage 2 of the pipeline: ADC-aware QAT (the adapted network) and, for the comparison, the same
// network trained ADC-unaware.
struct Stage2Config {
  bool enabled = true;
  TrainConfig train = QatJob::defaultTrainConfig();  // "stage2.train": QAT schedule
  bool per_channel_weights = false;   // one weight step per output channel
  bool per_column_adc = false;        // one ADC step per column tile
  bool exclude_first_last = false;    // keep the first and last layers in float
  int calibration_batches = 1;        // batches that initialise the LSQ steps, 1..100
  std::string step_init = "lsq";      // "lsq" or "mse" (QatJob::step_init)
  bool distill = false;               // distil from the experiment's float baseline
  double distill_weight = 0.5;        // 0 < w <= 1
  double distill_temperature = 4.0;   // 0 < T <= 100
  bool train_unaware = true;          // also train the ADC-unaware model (needed by adc_sweep)
};

// The accuracy-versus-ADC-bits sweep of the pipeline.
struct AdcSweepStageConfig {
  bool enabled = true;
  std::vector<int> bits = {3, 4, 5, 6, 7, 8};  // ADC bits per point
  int retrain_epochs = 1;                       // ADC-aware retraining per point (0 = none)
  TrainConfig retrain = retrainDefaults();  // its schedule (epochs = retrain_epochs)

  static TrainConfig retrainDefaults() {
    TrainConfig t = QatJob::defaultTrainConfig();
    t.epochs = 1;
    return t;
  }
};

// One experiment, as one JSON file (docs/config.md). Unknown keys are errors.
struct ExperimentConfig {
  DatasetConfig dataset;                  // "dataset": name, data_dir, subset_train, subset_test
  std::string model = "resnet20";         // "model.name": network template
  std::vector<int> widths;                // "model.widths": per width group; empty = template's
  std::string macro_preset = "reference-256";  // "macro": preset name or JSON file
  nlohmann::json macro_overrides = nlohmann::json::object();  // "macro": fields over the preset
  std::string baseline_checkpoint;        // "baseline.checkpoint": use it instead of training
  TrainConfig baseline_train;             // "baseline.train"
  bool stage1_enabled = true;             // "stage1.enabled"
  // "stage1.distill": the fine-tune distils from the experiment's float baseline, with
  // stage1.finetune_distill's weight and temperature ("stage1.distill_weight" / "_temperature").
  bool stage1_distill = false;
  MorphConfig stage1;                     // "stage1": lambda, budget, epochs, ... (macro: above)
  Stage2Config stage2;                    // "stage2"
  AdcSweepStageConfig adc_sweep;          // "adc_sweep"
  bool simulate = true;                   // "simulate.enabled": run the macro simulator
  SweepConfig sweep;                      // "sweep"
  std::uint64_t seed = 1;                 // "seed": data subsets, initialization, order

  // Throws ConfigError naming the field ("sweep.axes.rows[2]"), the value and what is allowed.
  void validate() const;
  MacroSpec macro() const;                // preset + overrides, validated
  // The network for the data set's sample shape and classes (reads the catalog, not the data).
  NetworkSpec network() const;

  nlohmann::json toJson() const;
  static ExperimentConfig fromJson(const nlohmann::json& j, const std::string& source);
  static ExperimentConfig readFile(const std::string& path);  // ConfigError naming the file
  static ExperimentConfig defaults();
};

}  // namespace cimscope
