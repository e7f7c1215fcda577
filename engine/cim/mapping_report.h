#pragma once

#include <string>
#include <vector>

#include "engine/cim/layer_mapping.h"
#include "engine/cim/macro_occupancy.h"
#include "engine/cim/mapping_totals.h"
#include "engine/cim/tile_placement.h"

namespace cimscope {

// What mapNetwork() returns: per layer, per tile, per macro (the occupancy map) and totals.
struct MappingReport {
  std::vector<LayerMapping> layers;    // one per weight layer, forward order
  std::vector<TilePlacement> tiles;    // every tile, grouped by macro (see MacroOccupancy)
  std::vector<MacroOccupancy> macros;  // one per macro used, index order
  MappingTotals total;                 // network totals
  std::vector<std::string> warnings;   // e.g. the network does not fit on the chip
};

}  // namespace cimscope
