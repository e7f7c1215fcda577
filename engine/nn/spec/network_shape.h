#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/nn/spec/layer_shape.h"
#include "engine/nn/spec/network_op.h"
#include "engine/nn/spec/width_group.h"

namespace cimscope {

// A NetworkSpec resolved: every weight layer's shape, the forward ops and the width groups.
struct NetworkShape {
  std::string model;                     // template name
  int in_channels = 0;                   // input channels
  int in_height = 0;                     // input height, pixels
  int in_width = 0;                      // input width, pixels
  int classes = 0;                       // output classes
  std::vector<LayerShape> layers;        // weight layers (conv, linear) in forward order
  std::vector<NetworkOp> ops;            // the forward pass
  std::vector<WidthGroup> width_groups;  // in the order NetworkSpec::widths takes them
  std::int64_t params = 0;               // conv/linear weights + biases + 2 per batch-norm channel
  std::int64_t weights = 0;              // conv/linear weights only (what the macros store)

  std::vector<int> widths() const;  // current width per group
};

// Stage 2's exclude_first_last rule: weight layer `index` of `layers` is kept in float (off the
// macro) when it is the first or the last.
bool keptInFloat(std::size_t index, std::size_t layers, bool first_last_in_float);

// The weight layers the macro runs: those keptInFloat() does not keep in float. Only `layers`
// changes; params, weights, ops and groups stay the whole network's.
NetworkShape layersOnMacro(const NetworkShape& shape, bool first_last_in_float);

}  // namespace cimscope
