#pragma once

#include <cstdint>
#include <string>

#include "engine/nn/spec/layer_shape.h"

namespace cimscope {

// How one weight layer maps onto macros and what it costs per inference. Every number comes from
// mapLayer() (layer_mapper.h); the formulas are derived in docs/macro-model.md "Mapping".
// "Full" tiles are all but the last row / column tile; the last tile holds the rest.
struct LayerMapping {
  int layer = 0;                         // index into NetworkShape::layers
  std::string name;                      // layer name ("layer1.0.conv1")
  LayerKind kind = LayerKind::kConv;     // conv or linear
  int kh = 1, kw = 1;                    // kernel, pixels
  int cin = 1, cout = 1;                 // channels (features)
  int groups = 1;                        // convolution groups
  int out_h = 1, out_w = 1;              // output size, pixels
  int cpw = 1;                           // columns per weight
  std::int64_t rows_needed = 0;          // kh*kw*cin/groups im2col rows
  std::int64_t cols_needed = 0;          // cout*cpw columns
  int ch_per_tile = 0;                   // row_split channel: input channels per row tile; else 0
  int ch_per_group = 0;                  // row_split channel: channels per wordline group; else 0
  int rows_per_full_tile = 0;            // rows a full row tile uses
  int rows_last_tile = 0;                // rows the last row tile uses
  int weights_per_tile = 0;              // w_per_tile = floor(C / cpw)
  int weights_last_tile = 0;             // weights (output channels) in the last column tile
  int row_tiles = 0;                     // tiles down the rows
  int col_tiles = 0;                     // tiles across the columns
  int tiles = 0;                         // row_tiles * col_tiles
  std::int64_t used_cells = 0;           // rows_needed * cols_needed
  double utilization = 0;                // used_cells / (tiles * R * C)
  int groups_full_tile = 0;              // wordline groups in a full row tile
  int groups_last_tile = 0;              // wordline groups in the last row tile
  int psum_groups = 0;                   // partial sums per output value (all row tiles)
  int input_steps = 0;                   // ceil(input_bits / dac_bits)
  int mux_steps = 0;                     // ceil(converted columns / adcs) of the widest tile
  std::int64_t tile_compute_cycles = 0;  // the slowest tile's compute cycles
  int waves = 0;                         // ceil(tiles / M)
  std::int64_t compute_cycles = 0;       // waves * tile_compute_cycles
  std::int64_t adc_conversions = 0;      // conversions per inference
  std::int64_t active_cells = 0;         // cell activations per inference (MAC energy)
  std::int64_t weight_load_cycles = 0;   // cycles to write all its tiles once
  std::int64_t written_bits = 0;         // bits written to load all its tiles once
};

}  // namespace cimscope
