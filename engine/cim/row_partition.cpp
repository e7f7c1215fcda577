#include "engine/cim/row_partition.h"

#include <algorithm>

#include "engine/cim/layer_mapper.h"

namespace cimscope {

RowPartition RowPartition::of(const LayerShape& layer, const MacroSpec& macro) {
  // The counts come from rowSplitOf(), so this list and mapLayer() cannot disagree.
  const RowSplitCounts s = rowSplitOf(layer, macro);
  const int rows = static_cast<int>(layer.rows());
  RowPartition p;
  p.tiles.reserve(s.row_tiles);
  p.groups.reserve(static_cast<std::size_t>(s.groups_full_tile) * (s.row_tiles - 1) +
                   s.groups_last_tile);
  for (int t = 0; t < s.row_tiles; ++t) {
    const int begin = t * s.rows_per_full_tile;
    const int end = std::min(rows, begin + s.rows_per_full_tile);
    p.tiles.push_back({begin, end, t});
    for (int g = begin; g < end; g += s.rows_per_group) {
      p.groups.push_back({g, std::min(end, g + s.rows_per_group), t});
    }
  }
  return p;
}

}  // namespace cimscope
