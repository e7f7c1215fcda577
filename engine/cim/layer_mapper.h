#pragma once

#include "engine/cim/layer_mapping.h"
#include "engine/cim/macro_spec.h"
#include "engine/nn/spec/layer_shape.h"

namespace cimscope {

// How a layer's rows split (docs/macro-model.md "Rows"): the counts mapLayer() and RowPartition
// both use.
struct RowSplitCounts {
  int ch_per_tile = 0;         // channel split: floor(R / (kh*kw)); consecutive: 0
  int ch_per_group = 0;        // channel split: floor(A / (kh*kw)); consecutive: 0
  int rows_per_full_tile = 0;  // channel: ch_per_tile*kh*kw; consecutive: R
  int rows_per_group = 0;      // channel: ch_per_group*kh*kw; consecutive: A
  int row_tiles = 0;           // tiles down the rows
  int rows_last_tile = 0;      // rows in the last row tile
  int groups_full_tile = 0;    // wordline groups in a full row tile
  int groups_last_tile = 0;    // wordline groups in the last row tile
};

// Throws ConfigError naming the layer when row_split is channel and one kernel (kh*kw rows) does
// not fit in R rows or in A active wordlines.
RowSplitCounts rowSplitOf(const LayerShape& layer, const MacroSpec& macro);

// Maps one layer (a linear layer as a 1 x 1 conv with one output pixel). The one place every
// per-layer formula of docs/macro-model.md lives. `macro` must be valid (MacroSpec::validate);
// throws ConfigError as rowSplitOf(). No allocation.
LayerMapping mapLayer(const LayerShape& layer, const MacroSpec& macro);

// Cycles to write one tile of rows x cols cells over the bus: max(rows, ceil(rows * cols *
// cell_bits / bus_bits)), at least one cycle per row written.
std::int64_t tileLoadCycles(int rows, int cols, const MacroSpec& macro);

}  // namespace cimscope
