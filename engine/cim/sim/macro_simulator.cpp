#include "engine/cim/sim/macro_simulator.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>

#include "engine/cim/adc_function.h"
#include "engine/common/errors.h"

namespace cimscope {

namespace F = torch::nn::functional;

namespace {

// Integer codes of x through the shared quantizer function, in x's memory layout.
torch::Tensor codesOf(const torch::Tensor& x, float step, float lo, float hi) {
  torch::Tensor xd = x.is_non_overlapping_and_dense() ? x : x.contiguous();
  torch::Tensor out = torch::empty_like(xd);
  const float* in = xd.data_ptr<float>();
  float* o = out.data_ptr<float>();
  at::parallel_for(0, xd.numel(), 16384, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) o[i] = quantCode(in[i], step, lo, hi);
  });
  return out;
}

// One run of partial sums: o = (init ? 0 : o) + code(p), times the scale on the last group;
// counts the clipped conversions and the largest |p|. kPerElement: st[k] and sc[k] per element
// (a run of channels, channels-last), else st[0] and sc[0] for the whole run. Plain values and
// __restrict pointers, one loop per case, so that each vectorizes.
template <bool kInit, bool kLast, bool kPerElement>
void adcLoop(const float* __restrict p, float* __restrict o, std::int64_t n,
             const float* __restrict st, const float* __restrict sc, float lo, float hi,
             std::int64_t* clip_out, float* mx_out) {
  const float clip_lo = lo - 0.5f, clip_hi = hi + 0.5f;
  const float st0 = st[0], sc0 = sc[0];
  std::int64_t clip = 0;
  float mx = *mx_out;
#pragma omp simd reduction(+ : clip) reduction(max : mx)
  for (std::int64_t k = 0; k < n; ++k) {
    const float v = p[k];
    const float s = kPerElement ? st[k] : st0;
    const float raw = v / s;
    const float code = quantCode(v, s, lo, hi);
    const float a = kInit ? code : o[k] + code;
    o[k] = kLast ? a * (kPerElement ? sc[k] : sc0) : a;
    clip += static_cast<std::int64_t>((raw < clip_lo) | (raw > clip_hi));
    mx = std::max(mx, std::abs(v));
  }
  *clip_out += clip;
  *mx_out = mx;
}

template <bool kPerElement>
void adcRun(const float* p, float* o, std::int64_t n, const float* st, const float* sc, float lo,
            float hi, bool init, bool last, std::int64_t* clip, float* mx) {
  if (init && last) adcLoop<true, true, kPerElement>(p, o, n, st, sc, lo, hi, clip, mx);
  else if (init) adcLoop<true, false, kPerElement>(p, o, n, st, sc, lo, hi, clip, mx);
  else if (last) adcLoop<false, true, kPerElement>(p, o, n, st, sc, lo, hi, clip, mx);
  else adcLoop<false, false, kPerElement>(p, o, n, st, sc, lo, hi, clip, mx);
}

}  // namespace

MacroSimulator::MacroSimulator(NetworkModelImpl& model, const MacroSpec& macro, bool per_slice)
    : model_(model), macro_(macro), per_slice_(per_slice) {
  macro_.validate();
  if (macro_.slice_combine != SliceCombine::kAnalog) {
    throw ConfigError("simulator: slice_combine = digital is not simulated (Stage 2 trains "
                      "the analog-combined ADC); use analog");
  }
  torch::NoGradGuard guard;
  const auto& layers = model.layers();
  cells_.resize(layers.size());
  stats_.assign(layers.size(), {});
  captured_.assign(layers.size(), {});
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const CimLayerImpl& l = *layers[i];
    if (!l.quantized()) continue;
    const int wb = l.quant().weight_bits, cb = macro_.cell_bits;
    const int nslices = (wb + cb - 1) / cb;
    Cells& c = cells_[i];
    c.offset = std::int64_t{1} << (wb - 1);
    // Weight codes through the shared function, then offset binary 0 .. 2^wb - 1 in cells.
    torch::Tensor w = l.weight.detach().to(torch::kFloat32).contiguous();
    torch::Tensor s = l.weight_step.detach().to(torch::kFloat32).contiguous();
    const std::int64_t cout = w.size(0), per = w.numel() / cout;
    torch::Tensor codes = torch::empty_like(w);
    {
      const float* wp = w.data_ptr<float>();
      const float* sp = s.data_ptr<float>();
      float* cp = codes.data_ptr<float>();
      for (std::int64_t k = 0; k < w.numel(); ++k) {
        cp[k] = quantCode(wp[k], sp[s.numel() == 1 ? 0 : k / per], static_cast<float>(l.weightLo()),
                          static_cast<float>(l.weightHi()));
      }
    }
    torch::Tensor u = (codes.to(torch::kLong) + c.offset).reshape({cout, per});
    c.slices = torch::empty({nslices, cout, per}, torch::kUInt8);
    torch::Tensor rebuilt = torch::zeros({cout, per}, torch::kLong);
    for (int k = 0; k < nslices; ++k) {
      torch::Tensor sl = u.bitwise_right_shift(k * cb).bitwise_and((1 << cb) - 1);
      c.slices[k].copy_(sl);
      rebuilt += c.slices[k].to(torch::kLong) * (std::int64_t{1} << (k * cb));
    }
    // The weights the columns represent, after removing the offset digitally.
    c.weights = (rebuilt - c.offset).to(torch::kFloat32).reshape(w.sizes());
    if (per_slice_) {
      for (int k = 0; k < nslices; ++k) {
        c.slice_weights.push_back(c.slices[k].to(torch::kFloat32).reshape(w.sizes()));
      }
    }
  }
}

void MacroSimulator::setCapturePartialSums(bool on) {
  capture_ = on;
  for (auto& c : captured_) c.clear();
}

std::vector<torch::Tensor> MacroSimulator::groupSums(int index, const torch::Tensor& xc,
                                                     const torch::Tensor& w) {
  const CimLayerImpl& l = *model_.layers()[index];
  const LayerShape& s = l.shape();
  const int k = s.kh * s.kw;
  std::vector<torch::Tensor> out;
  if (s.kind == LayerKind::kLinear) {
    for (const auto& g : l.quant().groups) {
      out.push_back(F::linear(xc.narrow(1, g.begin, g.end - g.begin),
                              w.narrow(1, g.begin, g.end - g.begin)));
    }
    return out;
  }
  const auto opts = F::Conv2dFuncOptions().stride(s.stride).padding(s.padding);
  bool aligned = true;
  for (const auto& g : l.quant().groups) aligned = aligned && g.begin % k == 0 && g.end % k == 0;
  if (aligned) {
    for (const auto& g : l.quant().groups) {
      const int c0 = g.begin / k, n = (g.end - g.begin) / k;
      out.push_back(F::conv2d(xc.narrow(1, c0, n), w.narrow(1, c0, n), opts));
    }
    return out;
  }
  const torch::Tensor cols = F::unfold(
      xc, F::UnfoldFuncOptions({s.kh, s.kw}).padding(s.padding).stride(s.stride));
  const torch::Tensor w2 = w.reshape({s.cout, -1});
  const std::int64_t oh = (xc.size(2) + 2 * s.padding - s.kh) / s.stride + 1;
  const std::int64_t ow = (xc.size(3) + 2 * s.padding - s.kw) / s.stride + 1;
  for (const auto& g : l.quant().groups) {
    const int len = g.end - g.begin;
    out.push_back(torch::matmul(w2.narrow(1, g.begin, len), cols.narrow(1, g.begin, len))
                      .view({xc.size(0), s.cout, oh, ow}));
  }
  return out;
}

torch::Tensor MacroSimulator::simulateLayer(int index, const torch::Tensor& x) {
  CimLayerImpl& l = *model_.layers()[index];
  if (!l.quantized()) return l.floatForward(x);
  const Cells& c = cells_[index];
  const torch::Tensor xc = codesOf(x.to(torch::kFloat32), l.act_step.item<float>(),
                                   static_cast<float>(l.inputLo()),
                                   static_cast<float>(l.inputHi()));
  // Integer partial sums per wordline group: products of integer codes held in float32 are
  // exact (|sum| < 2^24, checked by QuantConfig's bit limits); every value is an integer.
  std::vector<torch::Tensor> psums;
  if (per_slice_) {
    const int cb = macro_.cell_bits;
    std::vector<torch::Tensor> ones_sum = groupSums(index, xc, torch::ones_like(c.weights));
    for (std::size_t k = 0; k < c.slice_weights.size(); ++k) {
      std::vector<torch::Tensor> part = groupSums(index, xc, c.slice_weights[k]);
      for (std::size_t g = 0; g < part.size(); ++g) {
        torch::Tensor v = part[g].to(torch::kInt64) * (std::int64_t{1} << (k * cb));
        if (k == 0) {
          psums.push_back(v - ones_sum[g].to(torch::kInt64) * c.offset);
        } else {
          psums[g] += v;
        }
      }
    }
    for (std::size_t g = 0; g < psums.size(); ++g) {
      // Back in the layout the products came in (the training forward's layout).
      psums[g] = torch::empty_like(ones_sum[g]).copy_(psums[g]);
    }
  } else {
    psums = groupSums(index, xc, c.weights);
  }
  const torch::Tensor first =
      psums[0].is_non_overlapping_and_dense() ? psums[0] : psums[0].contiguous();
  for (auto& p : psums) {
    if (p.strides() != first.strides()) p = torch::empty_like(first).copy_(p);
  }
  // The ADC: the shared function on each integer partial sum, then the digital accumulation, in
  // the partial sums' own memory order (channel of element i: (i / stride_c) % cout). Codes are
  // summed in float32, in group order as the training forward does (integers below 2^24: exact),
  // and the last group's pass applies the layer's rescale factor (s_adc * s_act) * s_w, the same
  // one float multiply as CimLayerImpl::rescale; the bias, if any, is added after it as there.
  torch::Tensor step_ch = l.adcStepPerChannel(l.adc_step.detach()).to(torch::kFloat32).contiguous();
  const torch::Tensor scale = CimLayerImpl::outputScale(step_ch, l.act_step.detach(),
                                                        l.weight_step.detach())
                                  .to(torch::kFloat32)
                                  .contiguous();
  const float lo = static_cast<float>(l.adcLo()), hi = static_cast<float>(l.adcHi());
  const std::int64_t n = first.numel();
  const std::int64_t cout = l.shape().cout;
  const std::int64_t stride_c = first.stride(1);
  // Per-channel steps or scales: both as [cout] arrays (a per-layer one repeated).
  const bool per_channel = step_ch.numel() > 1 || scale.numel() > 1;
  const torch::Tensor st_c = per_channel ? step_ch.expand({cout}).contiguous() : step_ch;
  const torch::Tensor sc_c = per_channel ? scale.expand({cout}).contiguous() : scale;
  const float* sp = st_c.data_ptr<float>();
  const float* scp = sc_c.data_ptr<float>();
  torch::Tensor out = torch::empty_like(first);
  float* op = out.data_ptr<float>();
  std::atomic<std::int64_t> clipped{0};
  std::atomic<std::int64_t> maxabs{0};
  const std::size_t groups = psums.size();
  for (std::size_t g = 0; g < groups; ++g) {
    const float* pp = psums[g].data_ptr<float>();
    const bool init = g == 0, last = g + 1 == groups;
    at::parallel_for(0, n, 16384, [&](std::int64_t b, std::int64_t e) {
      std::int64_t clip = 0;
      float mx = 0;
      if (!per_channel) {
        adcRun<false>(pp + b, op + b, e - b, sp, scp, lo, hi, init, last, &clip, &mx);
      } else if (stride_c == 1) {
        // Channels-last: runs of consecutive channels, each element its own step and scale.
        for (std::int64_t i = b; i < e;) {
          const std::int64_t c = i % cout, len = std::min(e - i, cout - c);
          adcRun<true>(pp + i, op + i, len, sp + c, scp + c, lo, hi, init, last, &clip, &mx);
          i += len;
        }
      } else {
        // NCHW: runs of one channel (stride_c elements) share their step and scale.
        for (std::int64_t i = b; i < e;) {
          const std::int64_t c = (i / stride_c) % cout;
          const std::int64_t len = std::min(e, (i / stride_c + 1) * stride_c) - i;
          adcRun<false>(pp + i, op + i, len, sp + c, scp + c, lo, hi, init, last, &clip, &mx);
          i += len;
        }
      }
      clipped += clip;
      const auto m = static_cast<std::int64_t>(mx);
      std::int64_t cur = maxabs.load();
      while (m > cur && !maxabs.compare_exchange_weak(cur, m)) {
      }
    });
  }
  SimLayerStats& st = stats_[index];
  st.conversions += n * static_cast<std::int64_t>(groups);
  st.clipped += clipped.load();
  st.max_abs_psum = std::max(st.max_abs_psum, maxabs.load());
  if (capture_) {
    for (const auto& p : psums) captured_[index].push_back(p.contiguous().to(torch::kInt32));
  }
  if (l.bias.defined()) {
    std::vector<std::int64_t> shape(static_cast<std::size_t>(out.dim()), 1);
    shape[1] = cout;
    out = out + l.bias.detach().reshape(shape);
  }
  return out;
}

torch::Tensor MacroSimulator::forward(const torch::Tensor& x) {
  torch::NoGradGuard guard;
  return model_.forward(x, [this](int i, const torch::Tensor& in) { return simulateLayer(i, in); });
}

}  // namespace cimscope
