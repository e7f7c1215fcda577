#pragma once

#include <cstdint>

namespace cimscope {

// One macro of the occupancy map: its tiles are MappingReport::tiles[first_tile ..
// first_tile + tile_count), each with its row / column range on the macro.
struct MacroOccupancy {
  int index = 0;                // macro number
  int first_tile = 0;           // first entry in MappingReport::tiles
  int tile_count = 0;           // entries it holds
  std::int64_t used_cells = 0;  // cells holding weights
  double utilization = 0;       // used_cells / (R * C)
};

}  // namespace cimscope
