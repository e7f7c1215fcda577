#pragma once

#include <vector>

#include "engine/cim/tile_placement.h"

namespace cimscope {

// Places tiles on rows x cols macros for Packing::kPacked: shelf first-fit decreasing
// (docs/macro-model.md "Packing"). Tiles are taken tallest first (ties: wider first, then input
// order, so the result is deterministic); each goes on the first shelf of the first macro where
// it fits, else on a new shelf of the first macro with the height left, else on a new macro.
// Sets macro, row0 and col0 of every tile; returns the number of macros used.
int packTilesShelfFfd(std::vector<TilePlacement>& tiles, int rows, int cols);

// Packing::kDedicated: tile i on macro i at (0, 0). Returns tiles.size().
int placeTilesDedicated(std::vector<TilePlacement>& tiles);

}  // namespace cimscope
