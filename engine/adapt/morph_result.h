#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/adapt/importance_report.h"
#include "engine/adapt/width_search.h"
#include "engine/nn/spec/network_spec.h"

namespace cimscope {

// The network after one Stage 1 step, measured on the macro and the test split. Torch-free.
struct MorphStepReport {
  std::string name;                 // "baseline", "shrink", "prune", "expand", "finetune"
  std::vector<int> widths;          // per width group
  std::vector<int> layer_cout;      // output channels per weight layer
  std::int64_t params = 0;          // network parameters
  std::int64_t weights = 0;         // weights stored in macros
  std::int64_t tiles = 0;           // tiles (dedicated macros)
  std::int64_t macros = 0;          // macros under the configured packing
  double utilization = 0;           // network utilization, 0..1
  bool fits_on_chip = false;        // macros <= M
  std::int64_t weight_load_cycles_per_inference = 0;  // 0 when the weights fit on chip
  std::int64_t latency_cycles = 0;  // compute + per-inference weight loading
  double energy_pj = 0;             // per inference
  double accuracy = 0;              // test top-1, 0..1
  double test_loss = 0;             // test cross-entropy
  int epochs = 0;                   // training epochs this step ran (shrink, finetune)
  std::vector<double> regularizer;  // shrink: mean R(gamma) per epoch (unweighted by lambda)
  std::vector<double> epoch_accuracy;  // test accuracy per epoch (shrink, finetune)
  double seconds = 0;               // wall time of the step
  ImportanceReport importance;      // |gamma| per layer / group of this step's network
};

// What runMorph() returns.
struct MorphResult {
  enum class Status { kCompleted, kCancelled };
  Status status = Status::kCompleted;
  std::vector<std::string> group_names;  // width groups, NetworkSpec::widths order
  std::vector<std::string> layer_names;  // weight layers
  std::vector<MorphStepReport> steps;    // in order; fewer when cancelled
  std::string budget_kind;               // MorphBudget as text
  std::int64_t budget_macros = 0;        // the budget the width search met
  double threshold = 0;                  // the |gamma| threshold pruning used
  std::int64_t pruned_channels = 0;      // channels removed by pruning (all groups)
  WidthSearchResult search;              // the expand step's width search
  NetworkSpec adapted;                   // the final network
  std::string out_checkpoint;            // written file ("" when none)
  // Resumed training steps and the epochs taken over, e.g. {"shrink", 3} (resume).
  std::vector<std::pair<std::string, int>> resumed;
  double seconds = 0;
  std::vector<std::string> warnings;

  // The step called `name`, or nullptr.
  const MorphStepReport* step(const std::string& name) const {
    for (const auto& s : steps) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }
};

}  // namespace cimscope
