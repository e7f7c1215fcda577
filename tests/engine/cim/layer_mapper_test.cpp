#include "engine/cim/layer_mapper.h"

#include <gtest/gtest.h>

#include "engine/cim/row_partition.h"
#include "engine/common/errors.h"

// Hand-worked cases for every per-layer formula (docs/macro-model.md "Mapping").

namespace cimscope {
namespace {

LayerShape conv(int k, int cin, int cout, int out) {
  LayerShape l;
  l.name = "c";
  l.kh = l.kw = k;
  l.cin = cin;
  l.cout = cout;
  l.in_h = l.in_w = out;
  l.out_h = l.out_w = out;
  l.padding = k / 2;
  return l;
}

LayerShape linear(int in, int out) {
  LayerShape l;
  l.name = "fc";
  l.kind = LayerKind::kLinear;
  l.cin = in;
  l.cout = out;
  return l;
}

MacroSpec macro(int rows, int cols, int active) {
  MacroSpec m;
  m.rows = rows;
  m.cols = cols;
  m.active_wordlines = active;
  m.cell_bits = 1;
  m.weight_bits = 4;  // cpw = 4
  m.input_bits = 4;
  m.dac_bits = 4;
  m.adcs = std::min(cols, 64);
  m.macros_on_chip = 8;
  m.bus_bits = 64;
  return m;
}

TEST(LayerMapper, SmallConvInOneTile) {
  // 3x3 conv, 4 -> 8 channels, 6x6 output; macro 64 x 32, A = 64, cpw 4, input 4 bits through
  // 2-bit DACs, 4 ADCs, 16-bit bus.
  MacroSpec m = macro(64, 32, 64);
  m.dac_bits = 2;
  m.adcs = 4;
  m.bus_bits = 16;
  const LayerMapping r = mapLayer(conv(3, 4, 8, 6), m);
  EXPECT_EQ(r.cpw, 4);
  EXPECT_EQ(r.rows_needed, 36);      // 3*3*4
  EXPECT_EQ(r.cols_needed, 32);      // 8*4
  EXPECT_EQ(r.ch_per_tile, 7);       // floor(64 / 9)
  EXPECT_EQ(r.row_tiles, 1);         // ceil(4 / 7)
  EXPECT_EQ(r.weights_per_tile, 8);  // floor(32 / 4)
  EXPECT_EQ(r.col_tiles, 1);
  EXPECT_EQ(r.tiles, 1);
  EXPECT_DOUBLE_EQ(r.utilization, 36.0 * 32 / (64 * 32));  // 0.5625
  EXPECT_EQ(r.psum_groups, 1);
  EXPECT_EQ(r.input_steps, 2);  // ceil(4 / 2)
  EXPECT_EQ(r.mux_steps, 2);    // analog: 8 weights over 4 ADCs
  // 36 pixels * 1 group * 2 steps * 2 mux = 144; one wave.
  EXPECT_EQ(r.compute_cycles, 144);
  // 36 pixels * 2 steps * 1 group * 8 weights = 576.
  EXPECT_EQ(r.adc_conversions, 576);
  // max(36 rows, ceil(36*32*1 / 16) = 72) = 72.
  EXPECT_EQ(r.weight_load_cycles, 72);
  EXPECT_EQ(r.active_cells, 36 * 2 * 36 * 32);

  // Digital slice combine converts every bitline: 32 over 4 ADCs = 8 mux steps.
  m.slice_combine = SliceCombine::kDigital;
  const LayerMapping d = mapLayer(conv(3, 4, 8, 6), m);
  EXPECT_EQ(d.mux_steps, 8);
  EXPECT_EQ(d.compute_cycles, 36 * 1 * 2 * 8);    // 576
  EXPECT_EQ(d.adc_conversions, 36 * 2 * 1 * 32);  // 2304
  EXPECT_EQ(d.tiles, r.tiles);
}

TEST(LayerMapper, SeveralRowAndColumnTilesWithFewerActiveWordlines) {
  // 3x3 conv 20 -> 20, 4x4 output; macro 64 x 32, A = 32, 8 ADCs, input bit-serial (4 steps),
  // 16-bit bus, M = 4.
  MacroSpec m = macro(64, 32, 32);
  m.adcs = 8;
  m.dac_bits = 1;
  m.bus_bits = 16;
  m.macros_on_chip = 4;
  const LayerMapping r = mapLayer(conv(3, 20, 20, 4), m);
  EXPECT_EQ(r.rows_needed, 180);
  EXPECT_EQ(r.cols_needed, 80);
  // Rows: 7 channels per tile -> tiles of 7, 7, 6 channels (63, 63, 54 rows).
  EXPECT_EQ(r.ch_per_tile, 7);
  EXPECT_EQ(r.row_tiles, 3);
  EXPECT_EQ(r.rows_per_full_tile, 63);
  EXPECT_EQ(r.rows_last_tile, 54);
  // Wordline groups of floor(32 / 9) = 3 channels: ceil(7/3) + ceil(7/3) + ceil(6/3) = 3+3+2.
  EXPECT_EQ(r.ch_per_group, 3);
  EXPECT_EQ(r.psum_groups, 8);
  // Columns: 8 weights per tile -> 8, 8, 4 weights.
  EXPECT_EQ(r.col_tiles, 3);
  EXPECT_EQ(r.weights_last_tile, 4);
  EXPECT_EQ(r.tiles, 9);
  EXPECT_DOUBLE_EQ(r.utilization, 14400.0 / (9 * 64 * 32));  // 0.78125
  // Slowest tile: 16 pixels * 3 groups * 4 steps * ceil(8/8) = 192; ceil(9/4) = 3 waves.
  EXPECT_EQ(r.mux_steps, 1);
  EXPECT_EQ(r.tile_compute_cycles, 192);
  EXPECT_EQ(r.waves, 3);
  EXPECT_EQ(r.compute_cycles, 576);
  // 16 pixels * 4 steps * 8 groups * 20 weights = 10240.
  EXPECT_EQ(r.adc_conversions, 10240);
  // Loads (bus 16): 63x32 -> 2016/16 = 126; 63x16 -> 63; 54x32 -> 108; 54x16 -> 54.
  // 4 full x full + 2 full-row x last-col + 2 last-row x full-col + 1 last:
  // 4*126 + 2*63 + 2*108 + 54 = 900.
  EXPECT_EQ(r.weight_load_cycles, 900);
  EXPECT_EQ(r.written_bits, 14400);
}

TEST(LayerMapper, ConsecutiveRowSplitCutsKernels) {
  // The same layer cut NeuroSim-style: 180 rows -> 64, 64, 52; groups of A = 32 rows:
  // ceil(64/32) + ceil(64/32) + ceil(52/32) = 2 + 2 + 2 = 6.
  MacroSpec m = macro(64, 32, 32);
  m.adcs = 8;
  m.dac_bits = 1;
  m.macros_on_chip = 4;
  m.row_split = RowSplit::kConsecutive;
  const LayerMapping r = mapLayer(conv(3, 20, 20, 4), m);
  EXPECT_EQ(r.row_tiles, 3);
  EXPECT_EQ(r.rows_last_tile, 52);
  EXPECT_EQ(r.psum_groups, 6);
  EXPECT_EQ(r.tiles, 9);
  EXPECT_EQ(r.tile_compute_cycles, 16 * 2 * 4 * 1);  // 128
  EXPECT_EQ(r.compute_cycles, 3 * 128);
  EXPECT_EQ(r.adc_conversions, 16 * 4 * 6 * 20);  // 7680
}

TEST(LayerMapper, LinearIsOneByOneConvWithOnePixel) {
  // 100 -> 10 on 64 x 64, cpw 4 (16 weights per tile), input 8 bits by 4-bit DACs, 4 ADCs.
  MacroSpec m = macro(64, 64, 64);
  m.input_bits = 8;
  m.adcs = 4;
  const LayerMapping r = mapLayer(linear(100, 10), m);
  EXPECT_EQ(r.kind, LayerKind::kLinear);
  EXPECT_EQ(r.rows_needed, 100);
  EXPECT_EQ(r.row_tiles, 2);  // 64 + 36 rows
  EXPECT_EQ(r.col_tiles, 1);  // 10 weights = 40 columns
  EXPECT_EQ(r.psum_groups, 2);
  EXPECT_DOUBLE_EQ(r.utilization, 4000.0 / 8192);
  EXPECT_EQ(r.input_steps, 2);
  EXPECT_EQ(r.mux_steps, 3);  // ceil(10 / 4)
  EXPECT_EQ(r.compute_cycles, 1 * 1 * 2 * 3);
  EXPECT_EQ(r.adc_conversions, 1 * 2 * 2 * 10);
  // 64x40: max(64, ceil(2560/64) = 40) = 64; 36x40: max(36, ceil(1440/64) = 23) = 36.
  EXPECT_EQ(r.weight_load_cycles, 100);
}

TEST(LayerMapper, ColumnsPerWeight) {
  MacroSpec m;
  m.weight_bits = 5;
  m.cell_bits = 2;
  EXPECT_EQ(m.columnsPerWeight(), 3);  // ceil(5 / 2)
  m.signed_mapping = SignedMapping::kDifferential;
  EXPECT_EQ(m.columnsPerWeight(), 6);
  m.cols = 64;
  const LayerMapping r = mapLayer(linear(8, 20), m);
  EXPECT_EQ(r.weights_per_tile, 10);  // floor(64 / 6): a weight's slices never split
  EXPECT_EQ(r.col_tiles, 2);
  EXPECT_EQ(r.cols_needed, 120);
}

TEST(LayerMapper, KernelLargerThanRowsIsAnError) {
  MacroSpec m = macro(16, 32, 16);
  try {
    mapLayer(conv(5, 3, 8, 8), m);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("kernel 5 x 5 needs 25 rows"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("rows R = 16"), std::string::npos) << e.what();
  }
  m.rows = 32;
  m.active_wordlines = 16;
  EXPECT_THROW(mapLayer(conv(5, 3, 8, 8), m), ConfigError);  // 25 > A
  m.row_split = RowSplit::kConsecutive;                      // consecutive cuts the kernel: fine
  EXPECT_EQ(mapLayer(conv(5, 3, 8, 8), m).row_tiles, 3);     // ceil(75 / 32)
}

TEST(LayerMapper, AdcEnergyDoublesPerBit) {
  MacroSpec m;
  m.e_adc_pj = 0.32;
  m.e_adc_ref_bits = 5;
  m.adc_bits = 7;
  EXPECT_DOUBLE_EQ(m.adcEnergyPj(), 1.28);
  m.adc_bits = 4;
  EXPECT_DOUBLE_EQ(m.adcEnergyPj(), 0.16);
}

TEST(RowPartition, ListsTheSameGroupsTheMapperCounts) {
  MacroSpec m = macro(64, 32, 32);
  const RowPartition p = RowPartition::of(conv(3, 20, 20, 4), m);
  ASSERT_EQ(p.tiles.size(), 3u);
  EXPECT_EQ(p.tiles[2].begin, 126);
  EXPECT_EQ(p.tiles[2].end, 180);
  // Tile 0: 63 rows in groups of 27 (3 channels): [0,27) [27,54) [54,63).
  ASSERT_EQ(p.groups.size(), 8u);
  EXPECT_EQ(p.groups[1].begin, 27);
  EXPECT_EQ(p.groups[2].end, 63);
  EXPECT_EQ(p.groups[3].begin, 63);
  EXPECT_EQ(p.groups[7].tile, 2);

  // Property: for many shapes and macros the list and the count agree and cover every row once.
  for (int rs = 0; rs < 2; ++rs) {
    for (int k : {1, 3, 5}) {
      for (int cin : {1, 3, 16, 37, 64}) {
        for (int rows : {25, 64, 128, 256}) {
          for (int a : {1, 8, 25, 64, 256}) {
            MacroSpec mm = macro(rows, 64, std::min(a, rows));
            mm.row_split = rs ? RowSplit::kConsecutive : RowSplit::kChannel;
            const LayerShape l = conv(k, cin, 8, 4);
            LayerMapping r;
            try {
              r = mapLayer(l, mm);
            } catch (const ConfigError&) {
              EXPECT_THROW(RowPartition::of(l, mm), ConfigError);
              continue;
            }
            const RowPartition q = RowPartition::of(l, mm);
            ASSERT_EQ(static_cast<int>(q.groups.size()), r.psum_groups);
            ASSERT_EQ(static_cast<int>(q.tiles.size()), r.row_tiles);
            int next = 0;
            for (const auto& g : q.groups) {
              ASSERT_EQ(g.begin, next);
              ASSERT_LE(g.end - g.begin, mm.active_wordlines);
              if (!rs) {
                ASSERT_EQ(g.begin % (k * k), 0);  // channel split never cuts a kernel
              }
              next = g.end;
            }
            ASSERT_EQ(next, l.rows());
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace cimscope
