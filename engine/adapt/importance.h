#pragma once

#include <vector>

#include "engine/adapt/importance_report.h"
#include "engine/cim/macro_spec.h"
#include "engine/nn/spec/network_shape.h"

namespace cimscope {

// Builds the importance report from |gamma| per weight layer (`gamma[i]` has shape.layers[i].cout
// entries, or is empty for a layer without batch norm). Torch-free: the torch side
// (bnGammas in channel_surgery.h) reads the values out of a model. Throws ConfigError when a
// vector has the wrong length.
ImportanceReport computeImportance(const NetworkShape& shape,
                                   const std::vector<std::vector<double>>& gamma,
                                   const MacroSpec& macro);

// Rows one input channel of `layer` occupies: kh*kw for a conv, the flattened spatial positions
// for a linear layer after flatten (cin / width of its input group). 1 for the network input.
int rowsPerInputChannel(const NetworkShape& shape, int layer);

}  // namespace cimscope
