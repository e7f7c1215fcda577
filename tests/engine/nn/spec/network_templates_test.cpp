#include "engine/nn/spec/network_templates.h"

#include <gtest/gtest.h>

#include "engine/common/errors.h"

namespace cimscope {
namespace {

NetworkSpec spec(const std::string& model, int c, int h, int w, int classes = 10) {
  NetworkSpec s;
  s.model = model;
  s.in_channels = c;
  s.in_height = h;
  s.in_width = w;
  s.classes = classes;
  return s;
}

const LayerShape& layer(const NetworkShape& n, const std::string& name) {
  for (const auto& l : n.layers) {
    if (l.name == name) return l;
  }
  throw std::runtime_error("no layer " + name);
}

std::string errorOf(const NetworkSpec& s) {
  try {
    buildNetworkShape(s);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(NetworkTemplates, Resnet20ParamsAt3x32x32Are0_27M) {
  // Convs have no bias (batch norm follows); BN has 2 parameters (gamma, beta) per channel.
  //   conv1            3*16*9                       =     432
  //   stage 1: 6 convs 16*16*9 = 2304 each           =  13,824
  //   stage 2: 16*32*9 = 4608, then 5 x 32*32*9=9216 =  50,688
  //   stage 3: 32*64*9 = 18432, then 5 x 64*64*9     = 202,752
  //   conv weights                                   = 267,696
  //   BN: 2*(16 + 6*16 + 6*32 + 6*64) = 2*688        =   1,376
  //   fc 64*10 + 10 bias                             =     650
  //   total                                          = 269,722  (the "0.27M" of He et al.)
  const NetworkShape n = buildNetworkShape(spec("resnet20", 3, 32, 32));
  EXPECT_EQ(n.params, 269722);
  EXPECT_EQ(n.weights, 267696 + 640);
  EXPECT_EQ(n.layers.size(), 20u);  // 19 convs + fc
}

TEST(NetworkTemplates, Resnet20At1x28x28AdaptsTheStem) {
  // Only conv1 changes: 1*16*9 = 144 instead of 432, so 269,722 - 288 = 269,434.
  const NetworkShape n = buildNetworkShape(spec("resnet20", 1, 28, 28));
  EXPECT_EQ(n.params, 269434);
  // 28 -> stage 2 stride 2 with padding 1: floor((28 + 2 - 3) / 2) + 1 = 14 -> stage 3: 7.
  EXPECT_EQ(layer(n, "layer2.0.conv1").out_h, 14);
  EXPECT_EQ(layer(n, "layer3.2.conv2").out_w, 7);
  EXPECT_EQ(layer(n, "fc").cin, 64);
}

TEST(NetworkTemplates, Lenet5ShapesAndParams) {
  const NetworkShape n = buildNetworkShape(spec("lenet5", 1, 28, 28));
  ASSERT_EQ(n.layers.size(), 5u);
  const auto& c1 = layer(n, "conv1");
  EXPECT_EQ(c1.kh, 5);
  EXPECT_EQ(c1.out_h, 24);  // 28 - 5 + 1, no padding
  const auto& c2 = layer(n, "conv2");
  EXPECT_EQ(c2.in_h, 12);  // max pool 2
  EXPECT_EQ(c2.out_h, 8);
  const auto& f1 = layer(n, "fc1");
  EXPECT_EQ(f1.kind, LayerKind::kLinear);
  EXPECT_EQ(f1.cin, 256);  // 16 x 4 x 4 after the second pool
  EXPECT_EQ(f1.cout, 120);
  EXPECT_EQ(layer(n, "fc2").cout, 84);
  EXPECT_EQ(layer(n, "fc3").cout, 10);
  // conv1 150 + bn 12, conv2 2400 + bn 32, fc1 30720 + bn 240, fc2 10080 + bn 168,
  // fc3 840 + 10 bias: 44,652.
  EXPECT_EQ(n.params, 44652);
}

TEST(NetworkTemplates, Vgg8ParamsAt3x32x32) {
  // convs 3456 + 147456 + 294912 + 589824 + 1179648 + 2359296 = 4,574,592
  // BN after the six convs: 2*(128+128+256+256+512+512) = 3,584
  // fc1 512*4*4 * 1024 = 8,388,608 and its BN 2,048; fc2 1024*10 + 10 = 10,250
  // total 12,979,082
  const NetworkShape n = buildNetworkShape(spec("vgg8", 3, 32, 32));
  EXPECT_EQ(n.params, 12979082);
  EXPECT_EQ(layer(n, "fc1").cin, 8192);
}

TEST(NetworkTemplates, Resnet20WidthGroupsCoupleStageOutputs) {
  const NetworkShape n = buildNetworkShape(spec("resnet20", 3, 32, 32));
  ASSERT_EQ(n.width_groups.size(), 12u);
  EXPECT_EQ(n.width_groups[0].name, "stage1");
  EXPECT_EQ(n.width_groups[4].name, "layer2.0.conv1");
  EXPECT_EQ(n.width_groups[5].name, "stage2");
  const auto& stage1 = n.width_groups[0];
  // conv1 feeds the first identity shortcut, so it is in stage 1's group with every conv2.
  ASSERT_EQ(stage1.layers.size(), 4u);
  EXPECT_EQ(n.layers[stage1.layers[0]].name, "conv1");
  EXPECT_EQ(n.layers[stage1.layers[3]].name, "layer1.2.conv2");
  EXPECT_EQ(n.widths(), (std::vector<int>{16, 16, 16, 16, 32, 32, 32, 32, 64, 64, 64, 64}));
}

TEST(NetworkTemplates, WidthsOverridePerGroup) {
  NetworkSpec s = spec("resnet20", 3, 32, 32);
  s.widths = {16, 16, 16, 16, 32, 24, 32, 32, 64, 64, 64, 64};  // stage2 -> 24
  const NetworkShape n = buildNetworkShape(s);
  EXPECT_EQ(layer(n, "layer2.0.conv2").cout, 24);
  EXPECT_EQ(layer(n, "layer2.2.conv2").cout, 24);
  EXPECT_EQ(layer(n, "layer2.1.conv1").cin, 24);
  EXPECT_EQ(layer(n, "layer3.0.conv1").cin, 24);
  EXPECT_EQ(layer(n, "layer2.0.conv1").cout, 32);
}

TEST(NetworkTemplates, ResidualOpsReferToTheBlockInput) {
  const NetworkShape n = buildNetworkShape(spec("resnet20", 3, 32, 32));
  int residuals = 0;
  for (const auto& op : n.ops) {
    if (op.kind != OpKind::kResidualAdd) continue;
    ++residuals;
    ASSERT_GE(op.from, 0);
    EXPECT_EQ(n.ops[op.from].kind, OpKind::kRelu);
  }
  EXPECT_EQ(residuals, 9);
  EXPECT_EQ(n.ops.back().kind, OpKind::kLinear);
}

TEST(NetworkTemplates, ErrorsNameTheProblem) {
  NetworkSpec s = spec("resnet20", 3, 32, 32);
  s.widths = {16, 32, 64};
  EXPECT_NE(errorOf(s).find("takes 12"), std::string::npos) << errorOf(s);
  s.widths = {16, 16, 16, 0, 32, 32, 32, 32, 64, 64, 64, 64};
  EXPECT_NE(errorOf(s).find("widths[3] = 0"), std::string::npos) << errorOf(s);
  EXPECT_NE(errorOf(spec("alexnet", 3, 32, 32)).find("'alexnet' is unknown"), std::string::npos);
  EXPECT_NE(errorOf(spec("lenet5", 0, 28, 28)).find("in_channels = 0"), std::string::npos);
  // 8x8: conv1 -> 4x4, pool -> 2x2, conv2 5x5 cannot fit.
  EXPECT_NE(errorOf(spec("lenet5", 1, 8, 8)).find("conv2"), std::string::npos)
      << errorOf(spec("lenet5", 1, 8, 8));
}

}  // namespace
}  // namespace cimscope
