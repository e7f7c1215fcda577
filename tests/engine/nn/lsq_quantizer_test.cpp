// LSQ gradients against the formulas of Esser et al. (ICLR 2020), eq. 3 and the STE.
#include "engine/nn/lsq_quantizer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cimscope {
namespace {

struct Expected {
  torch::Tensor dv, ds;
};

// dv_hat/dv = 1 inside (lo, hi) else 0; dv_hat/ds = round(v/s) - v/s inside, lo / hi where
// clipped; step gradient times g. Loss = sum(v_hat * r), computed in double.
Expected paperGradients(const torch::Tensor& v, double s, double lo, double hi, double g,
                        const torch::Tensor& r) {
  torch::Tensor t = v.to(torch::kDouble) / s;
  torch::Tensor rd = r.to(torch::kDouble);
  torch::Tensor inside = (t > lo).logical_and(t < hi);
  torch::Tensor dvhat_ds =
      torch::where(inside, t.round() - t, torch::where(t <= lo, torch::full_like(t, lo),
                                                        torch::full_like(t, hi)));
  return {torch::where(inside, rd, torch::zeros_like(rd)), (rd * dvhat_ds).sum() * g};
}

TEST(LsqQuantizer, ForwardRoundsClampsAndScales) {
  torch::Tensor v = torch::tensor({-3.0f, -0.26f, 0.24f, 0.26f, 0.75f, 9.0f});
  torch::Tensor s = torch::tensor({0.5f});
  torch::Tensor q = lsqQuantize(v, s, -4, 3, 1.0);
  // -3/0.5 = -6 -> -4; -0.52 -> -1; 0.48 -> 0; 0.52 -> 1; 1.5 -> 2 (half to even); 18 -> 3.
  torch::Tensor want = torch::tensor({-2.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f});
  EXPECT_TRUE(torch::equal(q, want)) << q;
}

TEST(LsqQuantizer, GradientsMatchThePaperSigned) {
  torch::manual_seed(3);
  for (int bits : {2, 4, 8}) {
    const double lo = -std::pow(2.0, bits - 1), hi = std::pow(2.0, bits - 1) - 1;
    torch::Tensor v = (torch::randn({4, 3, 5, 5}) * 1.5).requires_grad_(true);
    torch::Tensor s = torch::tensor({0.37f}).requires_grad_(true);
    torch::Tensor r = torch::randn({4, 3, 5, 5});
    const double g = 1.0 / std::sqrt(v.numel() * hi);
    (lsqQuantize(v, s, lo, hi, g) * r).sum().backward();
    Expected e = paperGradients(v.detach(), 0.37f, lo, hi, g, r);
    EXPECT_TRUE(torch::allclose(v.grad().to(torch::kDouble), e.dv, 1e-5, 1e-6)) << bits;
    EXPECT_NEAR(s.grad().item<double>(), e.ds.item<double>(),
                1e-4 * std::max(1.0, std::abs(e.ds.item<double>())))
        << bits;
  }
}

TEST(LsqQuantizer, GradientsMatchThePaperUnsignedChannelsLast) {
  torch::manual_seed(4);
  torch::Tensor base = torch::rand({2, 6, 4, 4}) * 3;
  torch::Tensor v = base.contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
  torch::Tensor s = torch::tensor({0.21f}).requires_grad_(true);
  torch::Tensor r = torch::randn({2, 6, 4, 4});
  const double g = 0.05;
  (lsqQuantize(v, s, 0, 15, g) * r).sum().backward();
  Expected e = paperGradients(base, 0.21f, 0, 15, g, r);
  EXPECT_TRUE(torch::allclose(v.grad().to(torch::kDouble), e.dv, 1e-5, 1e-6));
  EXPECT_NEAR(s.grad().item<double>(), e.ds.item<double>(), 1e-4);
}

TEST(LsqQuantizer, PerChannelStepsGetTheirOwnChannelsGradient) {
  torch::manual_seed(5);
  torch::Tensor w = torch::randn({5, 3, 3, 3}).requires_grad_(true);
  torch::Tensor s = torch::tensor({0.1f, 0.2f, 0.3f, 0.4f, 0.5f}).requires_grad_(true);
  torch::Tensor r = torch::randn({5, 3, 3, 3});
  const double g = 0.1;
  (lsqQuantize(w, s, -8, 7, g, 0) * r).sum().backward();
  for (int c = 0; c < 5; ++c) {
    Expected e = paperGradients(w.detach()[c], s[c].item<float>(), -8, 7, g, r[c]);
    EXPECT_TRUE(torch::allclose(w.grad()[c].to(torch::kDouble), e.dv, 1e-5, 1e-6)) << c;
    EXPECT_NEAR(s.grad()[c].item<double>(), e.ds.item<double>(), 1e-4) << c;
  }
}

TEST(LsqQuantizer, AdcCodeSumEqualsTheSumOfCodesAndItsGradients) {
  torch::manual_seed(6);
  std::vector<torch::Tensor> ps, ps2;
  for (int k = 0; k < 3; ++k) {
    torch::Tensor p = (torch::randn({2, 4, 3, 3}) * 40).round();
    ps.push_back(p.clone().requires_grad_(true));
    ps2.push_back(p.clone().requires_grad_(true));
  }
  torch::Tensor s1 = torch::tensor({3.3f}).requires_grad_(true);
  torch::Tensor s2 = torch::tensor({3.3f}).requires_grad_(true);
  torch::Tensor r = torch::randn({2, 4, 3, 3});
  torch::Tensor a = adcCodeSum(ps, s1, -16, 15);
  torch::Tensor b = lsqCode(ps2[0], s2, -16, 15) + lsqCode(ps2[1], s2, -16, 15) +
                    lsqCode(ps2[2], s2, -16, 15);
  EXPECT_TRUE(torch::equal(a, b));
  (a * r).sum().backward();
  (b * r).sum().backward();
  for (int k = 0; k < 3; ++k) EXPECT_TRUE(torch::allclose(ps[k].grad(), ps2[k].grad()));
  EXPECT_NEAR(s1.grad().item<double>(), s2.grad().item<double>(), 1e-3);
}

// The fused ADC + rescale against the unfused composition (lsqCode per group, summed, times the
// scale through autograd's own mul): identical values, the same gradients for every partial sum,
// the step and the scale. Channels-last partial sums, as the CIM layers produce them, and sizes
// above one kernel block so the parallel and blocked paths run.
TEST(LsqQuantizer, FusedAdcCodeSumScaledMatchesTheComposedOps) {
  torch::manual_seed(8);
  std::vector<torch::Tensor> ps, ps2;
  for (int k = 0; k < 3; ++k) {
    torch::Tensor p = (torch::randn({4, 8, 30, 30}) * 40).round()
                          .contiguous(torch::MemoryFormat::ChannelsLast);
    ps.push_back(p.clone().requires_grad_(true));
    ps2.push_back(p.clone().requires_grad_(true));
  }
  torch::Tensor s1 = torch::tensor({3.3f}).requires_grad_(true);
  torch::Tensor s2 = torch::tensor({3.3f}).requires_grad_(true);
  torch::Tensor c1 = torch::tensor({0.0123f}).requires_grad_(true);
  torch::Tensor c2 = torch::tensor({0.0123f}).requires_grad_(true);
  torch::Tensor r = torch::randn({4, 8, 30, 30});
  torch::Tensor a = adcCodeSumScaled(ps, s1, c1, -16, 15);
  torch::Tensor b = (lsqCode(ps2[0], s2, -16, 15) + lsqCode(ps2[1], s2, -16, 15) +
                     lsqCode(ps2[2], s2, -16, 15)) * c2.reshape({});
  EXPECT_TRUE(torch::equal(a, b));
  (a * r).sum().backward();
  (b * r).sum().backward();
  for (int k = 0; k < 3; ++k) {
    EXPECT_TRUE(torch::allclose(ps[k].grad(), ps2[k].grad(), 1e-5, 1e-8)) << k;
  }
  EXPECT_NEAR(s1.grad().item<double>(), s2.grad().item<double>(),
              1e-4 * std::abs(s2.grad().item<double>()));
  EXPECT_NEAR(c1.grad().item<double>(), c2.grad().item<double>(),
              1e-4 * std::abs(c2.grad().item<double>()));
  EXPECT_THROW(adcCodeSumScaled(ps, torch::ones({2}), c1, -16, 15), c10::Error);
}

TEST(LsqQuantizer, InitialStepFollowsLsq) {
  torch::Tensor v = torch::tensor({-1.0f, 2.0f, -3.0f, 2.0f});
  EXPECT_NEAR(lsqInitialStep(v, 7, false).item<double>(), 2 * 2.0 / std::sqrt(7.0), 1e-6);
  EXPECT_DOUBLE_EQ(mseCalibratedStep(torch::tensor({-5.0f, 7.0f}), -8, 7), 1.0);
  EXPECT_GT(mseCalibratedStep(torch::tensor({-50.0f, 70.0f, 3.0f}), -8, 7), 1.0);
}

// Mean squared error of quantizing v with step s to codes lo..hi (the quantizer's forward).
double quantError(const torch::Tensor& v, double s, int lo, int hi) {
  return ((v / s).clamp(lo, hi).round() * s - v).pow(2).mean().item<double>();
}

TEST(LsqQuantizer, MseInitialStepFindsTheLosslessStepPerLayerAndPerChannel) {
  // Row 0: every multiple of 0.25 in [-2, 1.75]; row 1: every multiple of 0.5 in [-4, 3.5].
  // At 4 signed bits (codes -8..7) those steps quantize without error, and any smaller step
  // clips the ends: the squared-error optimum is exactly 0.25 and 0.5.
  torch::Tensor k = torch::arange(-8, 8, torch::kFloat32);
  torch::Tensor v = torch::stack({k * 0.25, k * 0.5});
  torch::Tensor per_channel = mseInitialStep(v, -8, 7, true, 0);
  ASSERT_EQ(per_channel.numel(), 2);
  EXPECT_FLOAT_EQ(per_channel[0].item<float>(), 0.25f);
  EXPECT_FLOAT_EQ(per_channel[1].item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(mseInitialStep(v[0], -8, 7, false).item<float>(), 0.25f);
  // Unsigned codes 0..15 on 0, 0.1, ..., 1.5: the step is 0.1.
  torch::Tensor u = torch::arange(0, 16, torch::kFloat32) * 0.1f;
  EXPECT_NEAR(mseInitialStep(u, 0, 15, false).item<double>(), 0.1, 1e-6);
}

TEST(LsqQuantizer, MseInitialStepQuantizesBetterThanTheLsqRule) {
  // On bell-shaped data LSQ's 2 mean|v| / sqrt(Qp) is a starting point, not the error optimum;
  // the grid search's error is no larger than LSQ's and than its own neighbours on the grid.
  torch::manual_seed(5);
  torch::Tensor v = torch::randn({20000});
  const double mse = mseInitialStep(v, -8, 7, false).item<double>();
  const double lsq = lsqInitialStep(v, 7, false).item<double>();
  EXPECT_LT(quantError(v, mse, -8, 7), quantError(v, lsq, -8, 7));
  const double unit = v.abs().max().item<double>() / 8 / 100;  // the grid's spacing
  EXPECT_LE(quantError(v, mse, -8, 7), quantError(v, mse + unit, -8, 7));
  EXPECT_LE(quantError(v, mse, -8, 7), quantError(v, mse - unit, -8, 7));
}

}  // namespace
}  // namespace cimscope
