#include "engine/adapt/importance.h"

#include <gtest/gtest.h>

#include "engine/common/errors.h"
#include "engine/nn/spec/network_templates.h"

namespace cimscope {
namespace {

TEST(Importance, SumsMeansSharesAndChannelCostsOfLenet) {
  NetworkSpec spec;
  spec.model = "lenet5";
  spec.widths = {2, 3, 4, 2};
  const NetworkShape s = buildNetworkShape(spec);
  // Layers: conv1 (2), conv2 (3), fc1 (4), fc2 (2), fc3 (classifier, no batch norm).
  const std::vector<std::vector<double>> gamma = {
      {1.0, -3.0}, {0.5, 0.5, 1.0}, {1, 1, 1, 1}, {0.25, 0.75}, {}};
  const MacroSpec m;  // cpw 4
  const ImportanceReport r = computeImportance(s, gamma, m);
  ASSERT_EQ(r.layers.size(), 5u);
  EXPECT_DOUBLE_EQ(r.total, 4 + 2 + 4 + 1);
  EXPECT_DOUBLE_EQ(r.layers[0].sum, 4.0);
  EXPECT_DOUBLE_EQ(r.layers[0].gamma[1], 3.0);  // |gamma|
  EXPECT_DOUBLE_EQ(r.layers[0].mean, 2.0);
  EXPECT_DOUBLE_EQ(r.layers[0].share, 4.0 / 11);
  EXPECT_FALSE(r.layers[4].has_batch_norm);
  // conv1 channel: its own 25 rows x 4 columns, plus 25 rows in conv2 x 3 channels x 4 columns.
  EXPECT_EQ(r.layers[0].channel_cols, 4);
  EXPECT_EQ(r.layers[0].channel_rows, 25);
  EXPECT_EQ(r.layers[0].channel_cells, 25 * 4 + 25 * 3 * 4);
  // conv2 channel: 4x4 positions after the pools are fc1 rows.
  EXPECT_EQ(r.layers[1].channel_rows, 16);
  EXPECT_EQ(r.layers[1].channel_cells, 2 * 25 * 4 + 16 * 4 * 4);
  EXPECT_EQ(rowsPerInputChannel(s, 2), 16);
  // Ranked: conv1 (4) and fc1 (4) first, in layer order on ties, then conv2, fc2.
  EXPECT_EQ(r.ranked_layers, (std::vector<int>{0, 2, 1, 3}));
  ASSERT_EQ(r.groups.size(), 4u);
  EXPECT_DOUBLE_EQ(r.groups[0].channel[1], 3.0);
  EXPECT_GT(r.groups[0].importance_per_macro, 0);
  EXPECT_THROW(computeImportance(s, {{1.0}}, m), ConfigError);
}

TEST(Importance, ResidualGroupChannelIsItsLargestGammaAnywhere) {
  NetworkSpec spec;
  spec.model = "resnet20";
  const NetworkShape s = buildNetworkShape(spec);
  std::vector<std::vector<double>> gamma(s.layers.size());
  for (std::size_t i = 0; i < s.layers.size(); ++i) {
    if (s.layers[i].width_group >= 0) gamma[i].assign(s.layers[i].cout, 0.1);
  }
  const WidthGroup& stage1 = s.width_groups[0];
  ASSERT_EQ(stage1.name, "stage1");
  ASSERT_EQ(stage1.layers.size(), 4u);  // stem + three block outputs
  gamma[stage1.layers[2]][5] = 0.9;     // channel 5 matters in one block only
  const ImportanceReport r = computeImportance(s, gamma, MacroSpec{});
  EXPECT_DOUBLE_EQ(r.groups[0].channel[5], 0.9);
  EXPECT_DOUBLE_EQ(r.groups[0].channel[4], 0.1);
}

}  // namespace
}  // namespace cimscope
