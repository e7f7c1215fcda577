// The bit-accurate simulator against the fake-quantized forward (issue 6).
#include "engine/cim/sim/macro_simulator.h"

#include <gtest/gtest.h>

#include "engine/nn/quant_setup.h"
#include "engine/nn/spec/network_templates.h"

namespace cimscope {
namespace {

NetworkModel randomNetwork(const std::string& model, int c, int hw, std::vector<int> widths,
                           std::uint64_t seed) {
  NetworkSpec s;
  s.model = model;
  s.in_channels = c;
  s.in_height = s.in_width = hw;
  s.classes = 10;
  s.widths = std::move(widths);
  NetworkModel m = buildModel(buildNetworkShape(s), seed);
  torch::NoGradGuard g;
  for (auto& b : m->named_buffers(true)) {
    if (b.key().find("running_var") != std::string::npos) b.value().uniform_(0.5, 2.0);
    if (b.key().find("running_mean") != std::string::npos) b.value().normal_(0, 0.2);
  }
  return m;
}

struct Case {
  const char* model;
  int c, hw;
  std::vector<int> widths;
  RowSplit split;
  int rows, active, adc_bits;
  bool per_column, channels_last;
};

TEST(MacroSimulator, AgreesWithFakeQuantizedForwardOnRandomNetworks) {
  const std::vector<Case> cases = {
      {"lenet5", 1, 28, {}, RowSplit::kChannel, 64, 32, 5, false, true},
      {"lenet5", 3, 28, {}, RowSplit::kConsecutive, 50, 30, 4, true, false},
      {"resnet20", 1, 12, {8, 6, 8, 5, 12, 12, 10, 12, 16, 16, 14, 16}, RowSplit::kChannel, 72, 36, 5, true, true},
      {"resnet20", 1, 12, {8, 6, 8, 5, 12, 12, 10, 12, 16, 16, 14, 16}, RowSplit::kConsecutive, 100, 40, 3, false, true},
      {"vgg8", 3, 16, {}, RowSplit::kChannel, 128, 128, 6, false, true},
  };
  std::uint64_t seed = 20;
  for (const Case& k : cases) {
    const std::string what = std::string(k.model) + " " + toString(k.split);
    NetworkModel m = randomNetwork(k.model, k.c, k.hw, k.widths, ++seed);
    QuantConfig q;
    q.macro.rows = k.rows;
    q.macro.active_wordlines = k.active;
    q.macro.cols = 64;
    q.macro.adcs = 16;
    q.macro.row_split = k.split;
    q.macro.adc_bits = k.adc_bits;
    q.per_column_adc = k.per_column;
    q.channels_last = k.channels_last;
    configureQuantization(*m, q);
    m->eval();
    torch::manual_seed(seed);
    torch::Tensor x = torch::randn({6, k.c, k.hw, k.hw});
    torch::NoGradGuard g;
    requestCalibration(*m, {true, true, true, false});
    m->forward(x);
    for (auto& l : m->layers()) l->setCapturePartialSums(true);
    torch::Tensor ref = m->forward(x);
    MacroSimulator sim(*m, q.macro);
    MacroSimulator sliced(*m, q.macro, /*per_slice=*/true);
    sim.setCapturePartialSums(true);
    sliced.setCapturePartialSums(true);
    torch::Tensor out = sim.forward(x);
    torch::Tensor out_sliced = sliced.forward(x);
    for (std::size_t i = 0; i < m->layers().size(); ++i) {
      const auto& a = m->layers()[i]->capturedPartialSums();
      ASSERT_EQ(a.size(), sim.capturedPartialSums()[i].size()) << what << " layer " << i;
      for (std::size_t gi = 0; gi < a.size(); ++gi) {
        EXPECT_TRUE(torch::equal(a[gi], sim.capturedPartialSums()[i][gi]))
            << what << " layer " << i << " group " << gi;
        EXPECT_TRUE(torch::equal(a[gi], sliced.capturedPartialSums()[i][gi]))
            << what << " per-slice layer " << i << " group " << gi;
      }
    }
    EXPECT_TRUE(torch::allclose(out, ref, 1e-5, 1e-5))
        << what << " max diff " << (out - ref).abs().max().item<double>();
    EXPECT_TRUE(torch::equal(out.argmax(1), ref.argmax(1))) << what;
    EXPECT_TRUE(torch::equal(out, out_sliced)) << what;
    std::int64_t conversions = 0;
    for (const auto& s : sim.stats()) conversions += s.conversions;
    EXPECT_GT(conversions, 0) << what;
  }
}

TEST(MacroSimulator, ExcludedFirstAndLastLayersRunInFloat) {
  NetworkModel m = randomNetwork("lenet5", 1, 28, {}, 5);
  QuantConfig q;
  q.exclude_first_last = true;
  configureQuantization(*m, q);
  EXPECT_FALSE(m->layers().front()->quantized());
  EXPECT_FALSE(m->layers().back()->quantized());
  m->eval();
  torch::Tensor x = torch::randn({3, 1, 28, 28});
  torch::NoGradGuard g;
  requestCalibration(*m, {true, true, true, false});
  torch::Tensor ref = m->forward(x);
  MacroSimulator sim(*m, q.macro);
  EXPECT_TRUE(torch::allclose(sim.forward(x), ref, 1e-5, 1e-5));
  EXPECT_EQ(sim.stats().front().conversions, 0);
}

}  // namespace
}  // namespace cimscope
