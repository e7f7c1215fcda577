#pragma once

#include <vector>

#include "engine/cim/macro_spec.h"
#include "engine/nn/spec/layer_shape.h"

namespace cimscope {

// A half-open range [begin, end) of a layer's im2col rows (order c, kh, kw, as
// weight.view({cout, -1}) lays them out), within row tile `tile`.
struct RowRange {
  int begin = 0;  // first row
  int end = 0;    // one past the last row
  int tile = 0;   // row tile it lies in
};

// How a layer's rows split into row tiles (one macro load each) and, inside each tile, into
// wordline groups (rows driven together; one partial sum and one ADC conversion each). The one
// grouping rule shared by the mapper, Stage 2's partial-sum quantization and the simulator
// (docs/macro-model.md "Rows").
struct RowPartition {
  std::vector<RowRange> tiles;   // row tiles in order
  std::vector<RowRange> groups;  // wordline groups in order; groups.size() == psum_groups

  // Throws ConfigError when a kernel does not fit in R (or A) rows under row_split channel.
  static RowPartition of(const LayerShape& layer, const MacroSpec& macro);
};

}  // namespace cimscope
