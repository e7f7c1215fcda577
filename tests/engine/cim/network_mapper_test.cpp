#include "engine/cim/network_mapper.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/cim/mapping_report_json.h"
#include "engine/common/errors.h"
#include "engine/nn/spec/network_templates.h"

namespace cimscope {
namespace {

NetworkSpec net(const std::string& model, int c = 1, int h = 28, int w = 28) {
  NetworkSpec s;
  s.model = model;
  s.in_channels = c;
  s.in_height = h;
  s.in_width = w;
  return s;
}

// LeNet-5 at 1x28x28 on the reference macro (256 x 256, cpw 4 = 64 weights per tile, 4-bit
// inputs through 4-bit DACs: 1 step, 64 ADCs, 64-bit bus), worked by hand:
//   layer  rows x cols   tiles  pixels  cycles            conversions        load cycles
//   conv1   25 x  24       1     576    576*1*1*1 = 576   576*1*1*6 = 3456   max(25, 600/64 ->
//   10)=25 conv2  150 x  64       1      64    64                64*16 = 1024       max(150,
//   9600/64=150)=150 fc1    256 x 480       2       1    1                 120                1024
//   + 896 = 1920
//          (tiles 256x256 and 256x224)
//   fc2    120 x 336       2       1    1                 84                 480 + max(120,150) =
//   630
//          (tiles 120x256 and 120x80)
//   fc3     84 x  40       1       1    1                 10                 max(84, 53) = 84
//   total                  7            580 + 3 = 643      4694               2809
// used cells 600 + 9600 + 122880 + 40320 + 3360 = 176,760.
TEST(NetworkMapper, Lenet5ByHandFitsOnChip) {
  MacroSpec m;  // reference-256, M = 32
  const MappingReport r = mapNetwork(net("lenet5"), m);
  ASSERT_EQ(r.layers.size(), 5u);
  EXPECT_EQ(r.total.tiles, 7);
  EXPECT_EQ(r.total.macros, 7);
  EXPECT_TRUE(r.total.fits_on_chip);
  EXPECT_EQ(r.total.compute_cycles, 643);
  EXPECT_EQ(r.total.adc_conversions, 4694);
  EXPECT_EQ(r.layers[2].weight_load_cycles, 1920);
  EXPECT_EQ(r.layers[3].weight_load_cycles, 630);
  EXPECT_EQ(r.total.weight_load_cycles, 2809);
  EXPECT_EQ(r.total.initial_load_cycles, 2809);
  EXPECT_EQ(r.total.weight_load_cycles_per_inference, 0);
  EXPECT_EQ(r.total.latency_cycles, 643);
  EXPECT_EQ(r.total.used_cells, 176760);
  EXPECT_DOUBLE_EQ(r.total.utilization, 176760.0 / (7 * 65536));
  EXPECT_EQ(r.total.params, 44652);
  EXPECT_EQ(r.total.weight_bits, 44190 * 4);  // weights: 150+2400+30720+10080+840
  // Energy: 4694 conversions * 0.32 pJ (5 bits = reference) + active cells * 0.001 pJ, where
  // active cells = pixels * steps * used cells = 576*600 + 64*9600 + 122880 + 40320 + 3360
  // = 1,126,560. No weight writes per inference.
  EXPECT_NEAR(r.total.energy_pj, 4694 * 0.32 + 1126560 * 0.001, 1e-6);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(NetworkMapper, FewerMacrosThanTilesReloadEveryInference) {
  MacroSpec m;
  m.macros_on_chip = 4;  // 7 tiles > 4
  MappingReport r = mapNetwork(net("lenet5"), m);
  EXPECT_FALSE(r.total.fits_on_chip);
  EXPECT_EQ(r.total.initial_load_cycles, 0);
  EXPECT_EQ(r.total.weight_load_cycles_per_inference, 2809);
  EXPECT_EQ(r.total.latency_cycles, 643 + 2809);
  EXPECT_EQ(r.total.written_bits_per_inference, 176760);
  EXPECT_NEAR(r.total.energy_pj, 4694 * 0.32 + 1126.56 + 176760 * 1.0, 1e-6);
  ASSERT_EQ(r.warnings.size(), 1u);

  // M = 1: fc1 and fc2 (2 tiles each) run in 2 waves: 576 + 64 + 2 + 2 + 1 = 645.
  m.macros_on_chip = 1;
  r = mapNetwork(net("lenet5"), m);
  EXPECT_EQ(r.layers[2].waves, 2);
  EXPECT_EQ(r.total.compute_cycles, 645);
  EXPECT_EQ(r.total.latency_cycles, 645 + 2809);
}

TEST(NetworkMapper, PackedSharesMacrosBetweenLayers) {
  // Shelf first-fit decreasing over LeNet-5's 7 tiles, tallest first:
  //   fc1a 256x256 -> macro 0 (full)        fc1b 256x224 -> macro 1 shelf 0
  //   conv2 150x64 -> macro 2 shelf 0       fc2a 120x256 -> macro 3 (no room in 1 or 2)
  //   fc2b 120x80  -> macro 2 at col 64     fc3 84x40    -> macro 2 at col 144
  //   conv1 25x24  -> macro 1 at col 224
  MacroSpec m;
  m.packing = Packing::kPacked;
  const MappingReport r = mapNetwork(net("lenet5"), m);
  EXPECT_EQ(r.total.tiles, 7);
  EXPECT_EQ(r.total.macros, 4);
  EXPECT_DOUBLE_EQ(r.total.utilization, 176760.0 / (4 * 65536));
  ASSERT_EQ(r.macros.size(), 4u);
  EXPECT_EQ(r.macros[1].tile_count, 2);
  EXPECT_EQ(r.macros[2].tile_count, 3);
  const TilePlacement& conv1 = r.tiles[r.macros[1].first_tile + 1];
  EXPECT_EQ(r.layers[conv1.layer].name, "conv1");
  EXPECT_EQ(conv1.col0, 224);
  const TilePlacement& fc3 = r.tiles[r.macros[2].first_tile + 2];
  EXPECT_EQ(r.layers[fc3.layer].name, "fc3");
  EXPECT_EQ(fc3.col0, 144);
  EXPECT_EQ(r.macros[2].used_cells, 150 * 64 + 120 * 80 + 84 * 40);
  // Packing changes where tiles sit, not what each layer costs.
  const MappingReport d = mapNetwork(net("lenet5"), MacroSpec{});
  EXPECT_EQ(r.total.compute_cycles, d.total.compute_cycles);
  EXPECT_EQ(r.total.used_cells, d.total.used_cells);
}

void expectDisjointAndInside(const MappingReport& r, const MacroSpec& m) {
  std::int64_t cells = 0;
  for (const auto& o : r.macros) {
    for (int a = o.first_tile; a < o.first_tile + o.tile_count; ++a) {
      const auto& ta = r.tiles[a];
      ASSERT_EQ(ta.macro, o.index);
      ASSERT_LE(ta.row0 + ta.rows, m.rows);
      ASSERT_LE(ta.col0 + ta.cols, m.cols);
      cells += ta.cells();
      for (int b = a + 1; b < o.first_tile + o.tile_count; ++b) {
        const auto& tb = r.tiles[b];
        const bool apart = ta.row0 + ta.rows <= tb.row0 || tb.row0 + tb.rows <= ta.row0 ||
                           ta.col0 + ta.cols <= tb.col0 || tb.col0 + tb.cols <= ta.col0;
        ASSERT_TRUE(apart) << "tiles " << a << " and " << b << " overlap on macro " << o.index;
      }
    }
  }
  EXPECT_EQ(cells, r.total.used_cells);
}

TEST(NetworkMapper, OccupancyMapIsConsistentForBothPackings) {
  for (const char* model : {"lenet5", "vgg8", "resnet20"}) {
    for (Packing p : {Packing::kDedicated, Packing::kPacked}) {
      MacroSpec m;
      m.rows = 128;
      m.cols = 96;
      m.active_wordlines = 100;
      m.adcs = 32;
      m.packing = p;
      const MappingReport r = mapNetwork(net(model, 3, 32, 32), m);
      EXPECT_EQ(static_cast<std::int64_t>(r.tiles.size()), r.total.tiles);
      EXPECT_EQ(static_cast<std::int64_t>(r.macros.size()), r.total.macros);
      if (p == Packing::kDedicated) {
        EXPECT_EQ(r.total.macros, r.total.tiles);
      } else {
        EXPECT_LE(r.total.macros, r.total.tiles);
      }
      expectDisjointAndInside(r, m);
      // Deterministic.
      EXPECT_EQ(mappingReportToJson(r, buildNetworkShape(net(model, 3, 32, 32)), m),
                mappingReportToJson(mapNetwork(net(model, 3, 32, 32), m),
                                    buildNetworkShape(net(model, 3, 32, 32)), m));
    }
  }
}

TEST(NetworkMapper, Resnet20OnTheReferenceMacro) {
  // Channel split, 28 channels of 3x3 per 256-row tile, 64 weights per tile:
  //   conv1 1, stage 1: 6 x 1, stage 2: 1 (16 in) + 5 x 2 (32 in), stage 3: 2 (32 in) +
  //   5 x 3 (64 in), fc 1  ->  1 + 6 + 11 + 17 + 1 = 36 tiles.
  const MappingReport r = mapNetwork(net("resnet20", 3, 32, 32), MacroSpec{});
  EXPECT_EQ(r.total.tiles, 36);
  EXPECT_FALSE(r.total.fits_on_chip);  // M = 32
}

TEST(NetworkMapper, Vgg8MatchesNeuroSimSubarrayCounts) {
  // DNN+NeuroSim V1.4, VGG-8 on CIFAR (DESIGN.md section 7): 128 x 128 subarrays, 8-bit weights
  // in 1-bit cells (cpw 8, 16 weights per subarray), im2col rows cut consecutively.
  //   conv1   27 rows x 1024 cols:  1 x  8 =    8
  //   conv2 1152 x 1024:            9 x  8 =   72
  //   conv3 1152 x 2048:            9 x 16 =  144
  //   conv4 2304 x 2048:           18 x 16 =  288
  //   conv5 2304 x 4096:           18 x 32 =  576
  //   conv6 4608 x 4096:           36 x 32 = 1152
  //   fc1   8192 x 8192:           64 x 64 = 4096
  //   fc2   1024 x   80:            8 x  1 =    8      total 6344
  MacroSpec m;
  m.rows = m.cols = m.active_wordlines = 128;
  m.weight_bits = 8;
  m.cell_bits = 1;
  m.row_split = RowSplit::kConsecutive;
  const MappingReport r = mapNetwork(net("vgg8", 3, 32, 32), m);
  std::vector<int> tiles;
  for (const auto& l : r.layers) tiles.push_back(l.tiles);
  EXPECT_EQ(tiles, (std::vector<int>{8, 72, 144, 288, 576, 1152, 4096, 8}));
  EXPECT_EQ(r.total.tiles, 6344);
  // Unique weights over allocated cells: 103,787,520 / (6344 * 16384) = 99.85 %. NeuroSim's
  // printed 98.1 % counts duplicated copies; 66.9 % is unique weights over its whole chip.
  EXPECT_EQ(r.total.used_cells, 103787520);
  // Channel split would cut conv2 on channel boundaries: floor(128/9) = 14 channels per tile,
  // ceil(128/14) = 10 row tiles -> 80 tiles, not 72.
  m.row_split = RowSplit::kChannel;
  EXPECT_EQ(mapNetwork(net("vgg8", 3, 32, 32), m).layers[1].tiles, 80);
}

TEST(NetworkMapper, BadInputsThrowConfigError) {
  MacroSpec m;
  m.rows = 0;
  EXPECT_THROW(mapNetwork(net("lenet5"), m), ConfigError);
  m = MacroSpec{};
  m.rows = m.active_wordlines = 16;  // a 5x5 kernel needs 25 rows
  EXPECT_THROW(mapNetwork(net("lenet5"), m), ConfigError);
  EXPECT_THROW(mapNetwork(net("nope"), MacroSpec{}), ConfigError);
}

TEST(NetworkMapper, JsonHasTheDocumentedKeys) {
  const NetworkShape n = buildNetworkShape(net("resnet20"));
  const auto j = mappingReportToJson(mapNetwork(n, MacroSpec{}), n, MacroSpec{});
  for (const char* k : {"macro", "network", "layers", "macros", "total"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  for (const char* k : {"name", "kind", "kh", "kw", "cin", "cout", "out_h", "out_w", "rows_needed",
                        "cols_needed", "row_tiles", "col_tiles", "tiles", "utilization",
                        "psum_groups", "adc_conversions", "compute_cycles", "weight_load_cycles"}) {
    EXPECT_TRUE(j["layers"][0].contains(k)) << k;
  }
  for (const char* k : {"layer", "row0", "rows", "col0", "cols"}) {
    EXPECT_TRUE(j["macros"][0]["tiles"][0].contains(k)) << k;
  }
  for (const char* k :
       {"tiles", "macros", "utilization", "params", "weight_bits", "compute_cycles",
        "weight_load_cycles_per_inference", "initial_load_cycles", "latency_cycles", "energy_pj"}) {
    EXPECT_TRUE(j["total"].contains(k)) << k;
  }
}

}  // namespace
}  // namespace cimscope
