#pragma once

#include <torch/torch.h>

#include <vector>

namespace cimscope {

// LSQ (Esser et al., ICLR 2020, "Learned Step Size Quantization") as torch functions with
// single-pass kernels (DESIGN.md section 7). The forward is split in two so partial sums can be
// computed from exact integer codes:  v_hat = lsqCode(v, s', lo, hi) * s',  s' = gradScale(s, g).
// Gradients (paper eq. 3 and its STE):  dv_hat/dv = 1 inside (lo, hi), 0 outside;
//   dv_hat/ds = -v/s + round(v/s) inside, lo or hi where clipped, times g = 1/sqrt(N * Qp).

// Forward value s, gradient g * grad (LSQ's gradient scale).
torch::Tensor gradScale(const torch::Tensor& step, double g);

// The integer codes round(clamp(v / step, lo, hi)) as an integer-valued float32 tensor in v's
// memory layout. `step` has one element, or v.size(channel_dim) elements (one step per
// channel). Backward: dcode/dv = 1/step inside (lo, hi); dcode/dstep = -v/step^2 inside;
// both 0 where clipped (straight-through rounding).
torch::Tensor lsqCode(const torch::Tensor& v, const torch::Tensor& step, double lo, double hi,
                      std::int64_t channel_dim = 1);

// The sum over partial sums of their ADC codes, sum_g lsqCode(psums[g], step, lo, hi): one
// kernel pass over all groups forward and backward. Every psum has the same shape and layout.
torch::Tensor adcCodeSum(const std::vector<torch::Tensor>& psums, const torch::Tensor& step,
                         double lo, double hi, std::int64_t channel_dim = 1);

// adcCodeSum(psums, step, lo, hi) * scale for one step and one scale (per-layer steps), fused:
// the same values (the product is the one float multiply of CimLayerImpl::rescale) and the
// same gradients, in fewer passes. Throws when step or scale has more than one element.
torch::Tensor adcCodeSumScaled(const std::vector<torch::Tensor>& psums, const torch::Tensor& step,
                               const torch::Tensor& scale, double lo, double hi);

// Fake quantization v_hat = lsqCode(v, gradScale(s, g)) * gradScale(s, g), with the step
// broadcast along channel_dim when it has more than one element.
torch::Tensor lsqQuantize(const torch::Tensor& v, const torch::Tensor& step, double lo, double hi,
                          double g, std::int64_t channel_dim = 1);

// LSQ's initial step 2 * mean(|v|) / sqrt(hi) (per channel along channel_dim when
// per_channel). Never below 1e-8.
torch::Tensor lsqInitialStep(const torch::Tensor& v, int hi, bool per_channel,
                             std::int64_t channel_dim = 0);

// The step minimising the mean squared quantization error of v over a grid of candidates
// (post-training calibration, for ADC steps of a model not trained with them). Exactly 1 when
// every |v| fits in the code range (a lossless ADC for integer partial sums).
double mseCalibratedStep(const torch::Tensor& v, int lo, int hi);

// The step s >= min_step minimising mean((clamp(round(v / s), lo, hi) * s - v)^2) over the grid
// s_k = k/100 * max|v| / max(-lo, hi), k = 1..100 (s_100 just covers every value): the "mse"
// step initialisation of Stage 2. Per channel along channel_dim when per_channel; shape [1] or
// [channels], like lsqInitialStep.
torch::Tensor mseInitialStep(const torch::Tensor& v, int lo, int hi, bool per_channel,
                             std::int64_t channel_dim = 1, double min_step = 1e-8);

}  // namespace cimscope
