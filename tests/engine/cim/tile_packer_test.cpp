#include "engine/cim/tile_packer.h"

#include <gtest/gtest.h>

namespace cimscope {
namespace {

TilePlacement tile(int rows, int cols) {
  TilePlacement t;
  t.rows = rows;
  t.cols = cols;
  return t;
}

TEST(TilePacker, ShelvesTallestFirst) {
  // 10 x 10 macros. Sorted: A 6x6, B 6x4, C 4x5, D 4x5, E 3x3.
  //   A -> macro 0 shelf 0 (h 6) at col 0; B -> shelf 0 at col 6 (fills the width);
  //   C -> macro 0 new shelf at row 6 (h 4); D -> shelf 1 at col 5; E -> 3 <= 4 but no width
  //   left in shelf 1 and only 0 rows left -> macro 1.
  std::vector<TilePlacement> t = {tile(4, 5), tile(6, 6), tile(3, 3), tile(6, 4), tile(4, 5)};
  EXPECT_EQ(packTilesShelfFfd(t, 10, 10), 2);
  EXPECT_EQ(t[1].macro, 0);
  EXPECT_EQ(t[3].col0, 6);
  EXPECT_EQ(t[0].row0, 6);
  EXPECT_EQ(t[0].col0, 0);
  EXPECT_EQ(t[4].row0, 6);
  EXPECT_EQ(t[4].col0, 5);
  EXPECT_EQ(t[2].macro, 1);
}

TEST(TilePacker, FullTilesOneMacroEach) {
  std::vector<TilePlacement> t(50, tile(8, 8));
  EXPECT_EQ(packTilesShelfFfd(t, 8, 8), 50);
  EXPECT_EQ(placeTilesDedicated(t), 50);
  EXPECT_EQ(t[49].macro, 49);
}

}  // namespace
}  // namespace cimscope
