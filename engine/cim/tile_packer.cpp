#include "engine/cim/tile_packer.h"

#include <algorithm>
#include <numeric>

namespace cimscope {
namespace {

struct Shelf {
  int y = 0;       // first row
  int height = 0;  // rows (the first, tallest tile's)
  int used = 0;    // columns taken
};

struct Bin {
  int used_h = 0;  // rows taken by shelves
  std::vector<Shelf> shelves;
};

}  // namespace

int placeTilesDedicated(std::vector<TilePlacement>& tiles) {
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    tiles[i].macro = static_cast<int>(i);
    tiles[i].row0 = 0;
    tiles[i].col0 = 0;
  }
  return static_cast<int>(tiles.size());
}

int packTilesShelfFfd(std::vector<TilePlacement>& tiles, int rows, int cols) {
  const int n = static_cast<int>(tiles.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Stable: ties keep input order. (std::sort with an index tie-break fell back to heap sort on
  // VGG-8's thousands of equal tiles.)
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (tiles[a].rows != tiles[b].rows) return tiles[a].rows > tiles[b].rows;
    return tiles[a].cols > tiles[b].cols;
  });
  // Smallest height and width among the tiles still to place: a macro that cannot take a tile
  // that small leaves the open list, which keeps the scan short for big networks.
  std::vector<int> min_rows(n + 1, rows + 1), min_cols(n + 1, cols + 1);
  for (int i = n - 1; i >= 0; --i) {
    min_rows[i] = std::min(min_rows[i + 1], tiles[order[i]].rows);
    min_cols[i] = std::min(min_cols[i + 1], tiles[order[i]].cols);
  }

  std::vector<Bin> bins;
  bins.reserve(n);
  std::vector<int> open;  // bins that may still take a tile, in creation order
  for (int i = 0; i < n; ++i) {
    TilePlacement& t = tiles[order[i]];
    bool placed = false;
    std::size_t keep = 0;
    for (std::size_t k = 0; k < open.size(); ++k) {
      const int b = open[k];
      Bin& bin = bins[b];
      if (!placed) {
        for (Shelf& s : bin.shelves) {
          if (t.rows <= s.height && s.used + t.cols <= cols) {
            t.macro = b;
            t.row0 = s.y;
            t.col0 = s.used;
            s.used += t.cols;
            placed = true;
            break;
          }
        }
        if (!placed && rows - bin.used_h >= t.rows) {
          bin.shelves.push_back({bin.used_h, t.rows, t.cols});
          t.macro = b;
          t.row0 = bin.used_h;
          t.col0 = 0;
          bin.used_h += t.rows;
          placed = true;
        }
      }
      // Still useful for the tiles after this one?
      bool useful = rows - bin.used_h >= min_rows[i + 1];
      for (const Shelf& s : bin.shelves) {
        useful = useful || (s.height >= min_rows[i + 1] && cols - s.used >= min_cols[i + 1]);
      }
      if (useful) open[keep++] = b;
    }
    open.resize(keep);
    if (!placed) {
      Bin bin;
      bin.shelves.push_back({0, t.rows, t.cols});
      bin.used_h = t.rows;
      t.macro = static_cast<int>(bins.size());
      t.row0 = 0;
      t.col0 = 0;
      bins.push_back(std::move(bin));
      const Bin& nb = bins.back();
      bool useful =
          rows - nb.used_h >= min_rows[i + 1] ||
          (nb.shelves[0].height >= min_rows[i + 1] && cols - nb.shelves[0].used >= min_cols[i + 1]);
      if (useful) open.push_back(t.macro);
    }
  }
  return static_cast<int>(bins.size());
}

}  // namespace cimscope
