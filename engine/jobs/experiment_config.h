#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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
  std::string evaluate = "mapping";  // "mapping": mapping and cost only (fast)
  int threads = 0;                   // worker threads for independent points; 0 = all cores

  std::int64_t pointCount() const;   // product of the axis lengths (0 without axes)
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
