#include "engine/nn/network_model.h"

#include <gtest/gtest.h>

#include "engine/common/errors.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/checkpoint.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

NetworkShape shapeOf(const std::string& model, int c, int h, int w, int classes,
                     std::vector<int> widths = {}) {
  NetworkSpec s;
  s.model = model;
  s.in_channels = c;
  s.in_height = h;
  s.in_width = w;
  s.classes = classes;
  s.widths = std::move(widths);
  return buildNetworkShape(s);
}

std::int64_t countParams(NetworkModelImpl& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

// Puts non-trivial values into every batch norm so copies of statistics are really checked.
void randomizeBatchNorms(NetworkModelImpl& m, std::uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard g;
  for (auto& b : m.named_buffers(true)) {
    if (b.key().find("running_var") != std::string::npos) b.value().uniform_(0.5, 2.0);
    if (b.key().find("running_mean") != std::string::npos) b.value().normal_(0, 0.3);
  }
  for (auto& p : m.named_parameters(true)) {
    if (p.key().find("bn") != std::string::npos) p.value().uniform_(0.2, 1.5);
  }
}

TEST(NetworkModel, ForwardShapesForEveryTemplate) {
  struct Case { const char* model; int c, h, w, classes; };
  for (const Case& k : {Case{"lenet5", 1, 28, 28, 10}, Case{"lenet5", 3, 32, 32, 7},
                        Case{"vgg8", 3, 32, 32, 10}, Case{"vgg8", 1, 28, 28, 10},
                        Case{"resnet20", 3, 32, 32, 10}, Case{"resnet20", 1, 28, 28, 5}}) {
    NetworkModel m = buildModel(shapeOf(k.model, k.c, k.h, k.w, k.classes), 1);
    m->eval();
    torch::NoGradGuard g;
    auto y = m->forward(torch::randn({2, k.c, k.h, k.w}));
    EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{2, k.classes})) << k.model;
    // The torch module and the torch-free shape count parameters independently.
    EXPECT_EQ(countParams(*m), m->shape().params) << k.model;
  }
}

TEST(NetworkModel, ParameterNamesFollowLayerNames) {
  NetworkModel m = buildModel(shapeOf("resnet20", 3, 32, 32, 10), 1);
  auto params = m->named_parameters(true);
  for (const auto& l : m->shape().layers) {
    EXPECT_TRUE(params.contains(l.name + ".weight")) << l.name;
  }
  EXPECT_EQ(m->layers().size(), m->shape().layers.size());
}

TEST(NetworkModel, SeededBuildIsRepeatable) {
  auto shape = shapeOf("lenet5", 1, 28, 28, 10);
  NetworkModel a = buildModel(shape, 7), b = buildModel(shape, 7), c = buildModel(shape, 8);
  EXPECT_TRUE(torch::equal(a->layers()[0]->weight, b->layers()[0]->weight));
  EXPECT_FALSE(torch::equal(a->layers()[0]->weight, c->layers()[0]->weight));
}

TEST(NetworkModel, TransferWithEveryChannelKeptGivesIdenticalOutputs) {
  for (const char* model : {"lenet5", "vgg8", "resnet20"}) {
    auto shape = shapeOf(model, 1, 28, 28, 10);
    NetworkModel from = buildModel(shape, 1);
    randomizeBatchNorms(*from, 3);
    NetworkModel to = buildModel(shape, 2);  // other random weights everywhere
    std::vector<std::vector<int>> maps;
    for (const auto& g : shape.width_groups) {
      std::vector<int> m(g.width);
      for (int i = 0; i < g.width; ++i) m[i] = i;
      maps.push_back(m);
    }
    transferChannels(*from, *to, maps);
    from->eval();
    to->eval();
    torch::NoGradGuard g;
    auto x = torch::randn({3, 1, 28, 28});
    EXPECT_TRUE(torch::equal(from->forward(x), to->forward(x))) << model;
  }
}

TEST(NetworkModel, NarrowingKeepsTheSurvivingChannelsValues) {
  auto wide = shapeOf("resnet20", 1, 28, 28, 10);
  std::vector<int> widths = wide.widths();
  std::vector<std::vector<int>> maps;
  for (std::size_t g = 0; g < widths.size(); ++g) {
    // Keep every other channel (reversed order, to check the mapping, not a prefix copy).
    std::vector<int> m;
    for (int i = widths[g] - 1; i >= 0; i -= 2) m.push_back(i);
    widths[g] = static_cast<int>(m.size());
    maps.push_back(m);
  }
  auto narrow = shapeOf("resnet20", 1, 28, 28, 10, widths);
  NetworkModel from = buildModel(wide, 1);
  randomizeBatchNorms(*from, 4);
  NetworkModel to = buildModel(narrow, 2);
  transferChannels(*from, *to, maps);
  // Spot-check the first conv: out channel j of `to` is channel maps[g][j] of `from`.
  const int g0 = narrow.layers[0].width_group;
  for (int j = 0; j < narrow.layers[0].cout; ++j) {
    EXPECT_TRUE(torch::equal(to->layers()[0]->weight[j], from->layers()[0]->weight[maps[g0][j]]));
  }
  // A layer fed by a pruned group sees only the kept input columns.
  const LayerShape& l1 = narrow.layers[1];
  const int in_g = l1.input_group, out_g = l1.width_group;
  ASSERT_GE(in_g, 0);
  for (int j = 0; j < l1.cout; ++j) {
    for (int i = 0; i < l1.cin; ++i) {
      EXPECT_TRUE(torch::equal(to->layers()[1]->weight[j][i],
                               from->layers()[1]->weight[maps[out_g][j]][maps[in_g][i]]));
    }
  }
  torch::NoGradGuard ng;
  to->eval();
  EXPECT_EQ(to->forward(torch::randn({2, 1, 28, 28})).sizes(), (std::vector<std::int64_t>{2, 10}));
}

TEST(NetworkModel, NewChannelsKeepFreshBatchNorm) {
  auto base = shapeOf("lenet5", 1, 28, 28, 10);
  std::vector<int> widths = base.widths();
  widths[0] += 2;
  auto wider = shapeOf("lenet5", 1, 28, 28, 10, widths);
  NetworkModel from = buildModel(base, 1);
  randomizeBatchNorms(*from, 5);
  NetworkModel to = buildModel(wider, 2);
  std::vector<std::vector<int>> maps;
  for (std::size_t g = 0; g < widths.size(); ++g) {
    std::vector<int> m;
    for (int i = 0; i < base.widths()[g]; ++i) m.push_back(i);
    if (g == 0) m.insert(m.end(), {-1, -1});
    maps.push_back(m);
  }
  transferChannels(*from, *to, maps);
  torch::Tensor gamma = to->bnWeight(0);
  ASSERT_TRUE(gamma.defined());
  const int n = base.widths()[0];
  EXPECT_TRUE(torch::equal(gamma.narrow(0, 0, n), from->bnWeight(0)));
  EXPECT_TRUE(torch::equal(gamma.narrow(0, n, 2), torch::ones({2})));
}

TEST(NetworkModel, CheckpointRoundTripGivesBitIdenticalOutputs) {
  test::TempDir dir;
  auto shape = shapeOf("resnet20", 1, 28, 28, 10);
  NetworkModel a = buildModel(shape, 1);
  randomizeBatchNorms(*a, 9);
  CheckpointData ck;
  ck.network_spec_json = "{}";
  ck.training_config_json = "{}";
  ck.tensors = a->stateArrays();
  writeCheckpoint(dir.file("a.h5"), ck);
  NetworkModel b = buildModel(shape, 2);
  b->loadStateArrays(readCheckpoint(dir.file("a.h5")).tensors, dir.file("a.h5"));
  a->eval();
  b->eval();
  torch::NoGradGuard g;
  auto x = torch::randn({4, 1, 28, 28});
  EXPECT_TRUE(torch::equal(a->forward(x), b->forward(x)));
}

TEST(NetworkModel, ShapeMismatchNamesTensorAndBothShapes) {
  auto shape = shapeOf("lenet5", 1, 28, 28, 10);
  std::vector<int> widths = shape.widths();
  widths[0] = 8;
  NetworkModel small = buildModel(shape, 1);
  NetworkModel other = buildModel(shapeOf("lenet5", 1, 28, 28, 10, widths), 1);
  try {
    other->loadStateArrays(small->stateArrays(), "ck.h5");
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("ck.h5: tensor conv1.weight has shape [6,1,5,5]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("expects [8,1,5,5]"), std::string::npos) << msg;
  }
  auto arrays = small->stateArrays();
  arrays.pop_back();
  EXPECT_THROW(small->loadStateArrays(arrays, "ck.h5"), StoreError);
}

}  // namespace
}  // namespace cimscope
