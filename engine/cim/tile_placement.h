#pragma once

#include <cstdint>

namespace cimscope {

// One tile: a rows x cols block of a layer's weight matrix (im2col rows x weight columns) and
// where it sits on a macro.
struct TilePlacement {
  int layer = 0;       // index into MappingReport::layers
  int row_tile = 0;    // which row tile of the layer
  int col_tile = 0;    // which column tile of the layer
  int layer_row0 = 0;  // first im2col row of the layer it holds
  int layer_col0 = 0;  // first weight column of the layer it holds
  int rows = 0;        // rows used
  int cols = 0;        // columns used
  int macro = 0;       // index into MappingReport::macros
  int row0 = 0;        // first macro wordline it occupies
  int col0 = 0;        // first macro bitline it occupies
  std::int64_t cells() const { return static_cast<std::int64_t>(rows) * cols; }
};

}  // namespace cimscope
