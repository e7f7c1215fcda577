#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "engine/adapt/distill_config.h"
#include "engine/adapt/train_config.h"
#include "engine/cim/macro_spec.h"

namespace cimscope {

// Where the macro budget of the expand step comes from.
enum class MorphBudget {
  kPruned,    // as many macros as the pruned network uses (reallocate within them; default)
  kBaseline,  // as many as the baseline network uses
  kChip,      // the chip's macros_on_chip (M)
  kMacros,    // MorphConfig::budget_macros
};
const char* toString(MorphBudget b);  // "pruned", "baseline", "chip", "macros"

// Stage 1, CIM-aware morphing (docs/stage1.md): shrink -> prune -> expand -> fine-tune, from a
// float checkpoint. Torch-free.
struct MorphConfig {
  std::string in_checkpoint;    // baseline checkpoint (cimscope-cli train --out)
  std::string out_checkpoint;   // adapted network + /morph group; "" = do not write
  MacroSpec macro;              // the macro (and its packing) the network is adapted to
  MorphBudget budget = MorphBudget::kPruned;  // see MorphBudget
  std::int64_t budget_macros = 0;             // kMacros: the budget, >= 1
  double lambda = 5e-4;         // weight of the resource-weighted L1 in the shrink loss, >= 0
  int shrink_epochs = 3;        // epochs of shrink training, 0..10000 (0 = prune the baseline)
  int finetune_epochs = 3;      // epochs of fine-tuning after expand, 0..10000
  double threshold = 0.01;      // prune channels whose |gamma| is below this (absolute), >= 0
  // > 0: instead of `threshold`, the smallest threshold leaving at most this fraction of the
  // baseline's parameters (0..1]; 0 = use `threshold`.
  double keep_params = 0;
  double max_expand = 2.0;      // expand: a group grows to at most this x its baseline width, >= 1
  double min_keep = 0.5;        // expand: a group shrinks to at least this x its pruned width, 0..1
  double noise = 0.01;          // expand: std of the noise on copied channels (relative), >= 0
  TrainConfig shrink_train;     // optimizer, lr, ... of shrink training (epochs: shrink_epochs)
  TrainConfig finetune_train;   // the same for fine-tuning (epochs: finetune_epochs)
  // Fine-tuning distils from this teacher (usually the baseline checkpoint itself); no teacher =
  // plain cross-entropy. Part of the identity (toJson "finetune_distillation") only when set.
  DistillConfig finetune_distill;
  // With the epoch files of an earlier, interrupted run of this same config beside
  // out_checkpoint (<out>.shrink.h5, <out>.finetune.h5), continue after the last completed
  // epoch of the step it stopped in instead of starting over (docs/stage1.md "Resuming").
  // Not part of the config's identity (toJson).
  bool resume = false;
  // Recorded in the output file (what the data was):
  std::string dataset_name;
  std::int64_t subset_train = 0, subset_test = 0;

  MorphConfig();               // the training defaults differ from TrainConfig's (lr 0.02, ...)
  void validate() const;       // ConfigError naming "morph.<field>"
  nlohmann::json toJson() const;
};

}  // namespace cimscope
