#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "engine/nn/network_model.h"
#include "engine/nn/spec/network_spec.h"

namespace cimscope {

// Torch-level channel operations of Stage 1 (prune, widen). See docs/stage1.md.

// |gamma| of the batch norm after every weight layer (empty where a layer has none).
std::vector<std::vector<double>> bnGammas(const NetworkModelImpl& model);

// How new channels are initialised when a group grows.
struct WidenOptions {
  double noise = 0.01;      // std of the noise added to a copied channel, relative to its weights'
  std::uint64_t seed = 1;   // noise and the new model's own initialisation
};

// A network of `to` (same template as `from`) whose channel j of width group g is channel
// sources[g][j] of `from` (weights, biases, batch norm exactly, via transferChannels), or, where
// sources[g][j] == -1, a split copy of a kept channel: the kept channels of the group are copied
// in decreasing order of `importance[g]` (indexed by `from`'s channels; empty = in order), the
// copy gets the source's incoming weights (plus noise) and batch norm, and every layer reading the
// group divides the source's outgoing weights among the source and its copies (Net2Net), so
// without noise the widened network computes the same function except where an option-A shortcut
// crosses stages (docs/stage1.md "Expand"). Throws ConfigError on a mismatch or a group with no
// kept channel to copy from.
NetworkModel reshapeNetwork(NetworkModelImpl& from, const NetworkSpec& to,
                            const std::vector<std::vector<int>>& sources,
                            const std::vector<std::vector<double>>& importance,
                            const WidenOptions& options);

}  // namespace cimscope
