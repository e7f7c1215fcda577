#include "engine/nn/lsq_quantizer.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#include "engine/cim/adc_function.h"

namespace cimscope {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

constexpr std::int64_t kGrain = 16384;

// Where the channel index of element i (in memory order) comes from: c = (i / stride) % size.
// Valid for any non-overlapping dense tensor; (stride 1, size 1) means one shared step.
struct ChannelOf {
  std::int64_t stride = 1;
  std::int64_t size = 1;
  std::int64_t operator()(std::int64_t i) const { return size == 1 ? 0 : (i / stride) % size; }
};

// v in its own suggested memory format, dense.
torch::Tensor dense(const torch::Tensor& v) {
  torch::Tensor t = v.to(torch::kFloat32);
  return t.is_non_overlapping_and_dense() ? t : t.contiguous(t.suggest_memory_format());
}

// The incoming gradient as float32 with exactly ref's strides, so kernels walk both in the same
// memory order.
torch::Tensor gradLike(const torch::Tensor& grad, const torch::Tensor& ref) {
  torch::Tensor g = grad.to(torch::kFloat32).contiguous(ref.suggest_memory_format());
  return g.strides() == ref.strides() ? g : torch::empty_like(ref).copy_(grad);
}

ChannelOf channelOf(const torch::Tensor& v, const torch::Tensor& step, std::int64_t dim) {
  if (step.numel() == 1) return {};
  if (dim < 0) dim += v.dim();
  TORCH_CHECK(dim >= 0 && dim < v.dim() && v.size(dim) == step.numel(), "lsqCode: ",
              step.numel(), " steps for ", v.sizes(), " along dim ", dim);
  return {v.stride(dim), v.size(dim)};
}

void codeKernel(const float* v, float* out, std::int64_t n, const float* step, ChannelOf ch,
                float lo, float hi, bool accumulate) {
  at::parallel_for(0, n, kGrain, [&](std::int64_t b, std::int64_t e) {
    if (ch.size == 1) {
      const float s = step[0];
      if (accumulate) {
        for (std::int64_t i = b; i < e; ++i) out[i] += quantCode(v[i], s, lo, hi);
      } else {
        for (std::int64_t i = b; i < e; ++i) out[i] = quantCode(v[i], s, lo, hi);
      }
    } else {
      for (std::int64_t i = b; i < e; ++i) {
        const float c = quantCode(v[i], step[ch(i)], lo, hi);
        out[i] = accumulate ? out[i] + c : c;
      }
    }
  });
}

// One block of the single-step backward: writes grad_v and returns the block's step gradient
// as a float sum whose order is fixed by the build (SIMD lanes), so it is deterministic.
// Branch-free (both comparisons always evaluated, plain values) so that the loop vectorizes
// under GCC's default -ftrapping-math; multiplying by 1 or 0 is exact.
// gscale multiplies grad_v (the fused rescale's factor; 1 otherwise), not the returned sum.
float codeBackwardBlock(const float* __restrict g, const float* __restrict v, float* __restrict gv,
                        std::int64_t n, float s, float lo, float hi, float gscale) {
  const float inv = gscale / s;
  float part = 0;
#pragma omp simd reduction(+ : part)
  for (std::int64_t i = 0; i < n; ++i) {
    const float t = v[i] / s;
    const float inside = static_cast<float>((t > lo) & (t < hi));
    gv[i] = g[i] * inv * inside;
    part += g[i] * (-t / s) * inside;
  }
  return part;
}

// grad_v[i] = g[i] / s inside (lo, hi); grad_s[c] += g[i] * (-v[i] / s^2) inside.
// Chunks accumulate the step gradient in double, summed in chunk order (deterministic).
// gscale (single step only) multiplies grad_v but not grad_s: see codeBackwardBlock.
void codeBackwardKernel(const float* g, const float* v, float* gv, std::int64_t n,
                        const float* step, ChannelOf ch, float lo, float hi,
                        std::vector<double>& gs_total, float gscale = 1.0f) {
  const std::int64_t nsteps = ch.size;
  const std::int64_t chunks = std::max<std::int64_t>(1, std::min<std::int64_t>(
                                                            (n + kGrain - 1) / kGrain, 64));
  const std::int64_t per = (n + chunks - 1) / chunks;
  std::vector<double> acc(static_cast<std::size_t>(chunks * nsteps), 0.0);
  at::parallel_for(0, chunks, 1, [&](std::int64_t cb, std::int64_t ce) {
    for (std::int64_t k = cb; k < ce; ++k) {
      double* a = acc.data() + k * nsteps;
      const std::int64_t b = k * per, e = std::min(n, b + per);
      if (nsteps == 1) {
        // Vectorized: float partial sums over fixed blocks (the SIMD lanes' order is fixed at
        // compile time), added in block order into a double, so the result is deterministic.
        double sum = 0;
        constexpr std::int64_t kBlock = 1024;
        for (std::int64_t bb = b; bb < e; bb += kBlock) {
          const std::int64_t len = std::min(e, bb + kBlock) - bb;
          sum += codeBackwardBlock(g + bb, v + bb, gv + bb, len, step[0], lo, hi, gscale);
        }
        a[0] += sum;
      } else {
        for (std::int64_t i = b; i < e; ++i) {
          const std::int64_t c = ch(i);
          const float s = step[c];
          const float t = v[i] / s;
          const bool inside = t > lo && t < hi;
          gv[i] = inside ? g[i] / s : 0.0f;
          if (inside) a[c] += static_cast<double>(g[i]) * static_cast<double>(-t / s);
        }
      }
    }
  });
  for (std::int64_t k = 0; k < chunks; ++k) {
    for (std::int64_t c = 0; c < nsteps; ++c) gs_total[c] += acc[k * nsteps + c];
  }
}

torch::Tensor stepGradTensor(const std::vector<double>& gs, const torch::Tensor& step) {
  torch::Tensor out = torch::empty(step.sizes(), step.options().dtype(torch::kFloat32));
  float* p = out.data_ptr<float>();
  for (std::size_t c = 0; c < gs.size(); ++c) p[c] = static_cast<float>(gs[c]);
  return out.to(step.scalar_type());
}

struct LsqCodeFn : torch::autograd::Function<LsqCodeFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& v,
                               const torch::Tensor& step, double lo, double hi,
                               std::int64_t dim) {
    torch::Tensor vd = dense(v);
    torch::Tensor sd = step.detach().to(torch::kFloat32).contiguous();
    torch::Tensor out = torch::empty_like(vd);
    const ChannelOf ch = channelOf(vd, sd, dim);
    codeKernel(vd.data_ptr<float>(), out.data_ptr<float>(), vd.numel(), sd.data_ptr<float>(), ch,
               static_cast<float>(lo), static_cast<float>(hi), false);
    ctx->save_for_backward({vd, step});
    ctx->saved_data["lo"] = lo;
    ctx->saved_data["hi"] = hi;
    ctx->saved_data["dim"] = dim;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor& vd = saved[0];
    const torch::Tensor& step = saved[1];
    torch::Tensor sd = step.detach().to(torch::kFloat32).contiguous();
    const double lo = ctx->saved_data["lo"].toDouble(), hi = ctx->saved_data["hi"].toDouble();
    const std::int64_t dim = ctx->saved_data["dim"].toInt();
    const torch::Tensor g = gradLike(grads[0], vd);
    torch::Tensor gv = torch::empty_like(vd);
    const ChannelOf ch = channelOf(vd, sd, dim);
    std::vector<double> gs(static_cast<std::size_t>(ch.size), 0.0);
    codeBackwardKernel(g.data_ptr<float>(), vd.data_ptr<float>(), gv.data_ptr<float>(),
                       vd.numel(), sd.data_ptr<float>(), ch, static_cast<float>(lo),
                       static_cast<float>(hi), gs);
    return {gv, step.requires_grad() ? stepGradTensor(gs, step) : torch::Tensor(),
            torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

struct AdcCodeSumFn : torch::autograd::Function<AdcCodeSumFn> {
  static torch::Tensor forward(AutogradContext* ctx, torch::TensorList psums,
                               const torch::Tensor& step, double lo, double hi,
                               std::int64_t dim) {
    TORCH_CHECK(!psums.empty(), "adcCodeSum: no partial sums");
    torch::Tensor sd = step.detach().to(torch::kFloat32).contiguous();
    std::vector<torch::Tensor> saved;
    torch::Tensor first = dense(psums[0]);
    torch::Tensor out = torch::empty_like(first);
    for (std::size_t k = 0; k < psums.size(); ++k) {
      torch::Tensor p = k == 0 ? first : dense(psums[k]);
      if (p.strides() != first.strides()) p = torch::empty_like(first).copy_(p);
      const ChannelOf ch = channelOf(p, sd, dim);
      codeKernel(p.data_ptr<float>(), out.data_ptr<float>(), p.numel(), sd.data_ptr<float>(), ch,
                 static_cast<float>(lo), static_cast<float>(hi), k > 0);
      saved.push_back(p);
    }
    saved.push_back(step);
    ctx->save_for_backward(saved);
    ctx->saved_data["lo"] = lo;
    ctx->saved_data["hi"] = hi;
    ctx->saved_data["dim"] = dim;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor step = saved.back();
    saved.pop_back();
    torch::Tensor sd = step.detach().to(torch::kFloat32).contiguous();
    const double lo = ctx->saved_data["lo"].toDouble(), hi = ctx->saved_data["hi"].toDouble();
    const std::int64_t dim = ctx->saved_data["dim"].toInt();
    const torch::Tensor g = gradLike(grads[0], saved[0]);
    const ChannelOf ch = channelOf(saved[0], sd, dim);
    std::vector<double> gs(static_cast<std::size_t>(ch.size), 0.0);
    variable_list out;
    for (const auto& p : saved) {
      torch::Tensor gp = torch::empty_like(p);
      codeBackwardKernel(g.data_ptr<float>(), p.data_ptr<float>(), gp.data_ptr<float>(),
                         p.numel(), sd.data_ptr<float>(), ch, static_cast<float>(lo),
                         static_cast<float>(hi), gs);
      out.push_back(gp);
    }
    out.push_back(step.requires_grad() ? stepGradTensor(gs, step) : torch::Tensor());
    out.push_back(torch::Tensor());
    out.push_back(torch::Tensor());
    out.push_back(torch::Tensor());
    return out;
  }
};

// sum_i a[i] * b[i] in double over fixed float blocks, chunks summed in order: deterministic.
double dotDeterministic(const float* a, const float* b, std::int64_t n) {
  const std::int64_t chunks = std::max<std::int64_t>(1, std::min<std::int64_t>(
                                                            (n + kGrain - 1) / kGrain, 64));
  const std::int64_t per = (n + chunks - 1) / chunks;
  std::vector<double> acc(static_cast<std::size_t>(chunks), 0.0);
  at::parallel_for(0, chunks, 1, [&](std::int64_t cb, std::int64_t ce) {
    for (std::int64_t k = cb; k < ce; ++k) {
      const std::int64_t b0 = k * per, e = std::min(n, b0 + per);
      double sum = 0;
      for (std::int64_t bb = b0; bb < e; bb += 1024) {
        const std::int64_t len = std::min(e, bb + 1024) - bb;
        const float* __restrict x = a + bb;
        const float* __restrict y = b + bb;
        float part = 0;
#pragma omp simd reduction(+ : part)
        for (std::int64_t i = 0; i < len; ++i) part += x[i] * y[i];
        sum += part;
      }
      acc[static_cast<std::size_t>(k)] = sum;
    }
  });
  double total = 0;
  for (double v : acc) total += v;
  return total;
}

// One pass of the fused ADC: acc = (first ? 0 : acc) + code(p); on the last group also
// y = acc * scale (the same single float multiply as CimLayerImpl::rescale).
void adcScaledKernel(const float* p, float* acc, float* y, std::int64_t n, float s, float lo,
                     float hi, float scale, bool first, bool last) {
  at::parallel_for(0, n, kGrain, [&](std::int64_t b, std::int64_t e) {
    const float* __restrict pp = p;
    float* __restrict ap = acc;
    float* __restrict yp = y;
    if (first && last) {
#pragma omp simd
      for (std::int64_t i = b; i < e; ++i) {
        const float a = quantCode(pp[i], s, lo, hi);
        ap[i] = a;
        yp[i] = a * scale;
      }
    } else if (first) {
#pragma omp simd
      for (std::int64_t i = b; i < e; ++i) ap[i] = quantCode(pp[i], s, lo, hi);
    } else if (last) {
#pragma omp simd
      for (std::int64_t i = b; i < e; ++i) {
        const float a = ap[i] + quantCode(pp[i], s, lo, hi);
        ap[i] = a;
        yp[i] = a * scale;
      }
    } else {
#pragma omp simd
      for (std::int64_t i = b; i < e; ++i) ap[i] += quantCode(pp[i], s, lo, hi);
    }
  });
}

// scale * sum_g code(psums[g]) with one step and one scale, as one autograd node (forward: one
// kernel pass per group, the last also writes the scaled output; backward: one pass per group
// plus one dot product for the scale's gradient instead of autograd's mul, mul and sum).
struct AdcCodeSumScaledFn : torch::autograd::Function<AdcCodeSumScaledFn> {
  static torch::Tensor forward(AutogradContext* ctx, torch::TensorList psums,
                               const torch::Tensor& step, const torch::Tensor& scale, double lo,
                               double hi) {
    TORCH_CHECK(!psums.empty(), "adcCodeSumScaled: no partial sums");
    TORCH_CHECK(step.numel() == 1 && scale.numel() == 1,
                "adcCodeSumScaled: needs one step and one scale");
    const float s = step.detach().to(torch::kFloat32).item<float>();
    const float sc = scale.detach().to(torch::kFloat32).item<float>();
    std::vector<torch::Tensor> saved;
    torch::Tensor first = dense(psums[0]);
    torch::Tensor acc = torch::empty_like(first);
    torch::Tensor y = torch::empty_like(first);
    for (std::size_t k = 0; k < psums.size(); ++k) {
      torch::Tensor p = k == 0 ? first : dense(psums[k]);
      if (p.strides() != first.strides()) p = torch::empty_like(first).copy_(p);
      adcScaledKernel(p.data_ptr<float>(), acc.data_ptr<float>(), y.data_ptr<float>(), p.numel(),
                      s, static_cast<float>(lo), static_cast<float>(hi), sc, k == 0,
                      k + 1 == psums.size());
      saved.push_back(p);
    }
    saved.push_back(acc);
    saved.push_back(step);
    saved.push_back(scale);
    ctx->save_for_backward(saved);
    ctx->saved_data["lo"] = lo;
    ctx->saved_data["hi"] = hi;
    return y;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor scale = saved.back();
    saved.pop_back();
    const torch::Tensor step = saved.back();
    saved.pop_back();
    const torch::Tensor acc = saved.back();
    saved.pop_back();
    const float s = step.detach().to(torch::kFloat32).item<float>();
    const float sc = scale.detach().to(torch::kFloat32).item<float>();
    const double lo = ctx->saved_data["lo"].toDouble(), hi = ctx->saved_data["hi"].toDouble();
    const torch::Tensor g = gradLike(grads[0], acc);
    std::vector<double> gs(1, 0.0);
    variable_list out;
    for (const auto& p : saved) {
      torch::Tensor gp = torch::empty_like(p);
      codeBackwardKernel(g.data_ptr<float>(), p.data_ptr<float>(), gp.data_ptr<float>(),
                         p.numel(), &s, ChannelOf{}, static_cast<float>(lo),
                         static_cast<float>(hi), gs, sc);
      out.push_back(gp);
    }
    torch::Tensor gstep;
    if (step.requires_grad()) {
      gstep = torch::full(step.sizes(), gs[0] * sc, step.options().dtype(torch::kFloat32))
                  .to(step.scalar_type());
    }
    torch::Tensor gscale;
    if (scale.requires_grad()) {
      const double d = dotDeterministic(g.data_ptr<float>(), acc.data_ptr<float>(), acc.numel());
      gscale = torch::full(scale.sizes(), d, scale.options().dtype(torch::kFloat32))
                   .to(scale.scalar_type());
    }
    out.push_back(gstep);
    out.push_back(gscale);
    out.push_back(torch::Tensor());
    out.push_back(torch::Tensor());
    return out;
  }
};

// Identity forward (bit-exact, unlike (s - s*g).detach() + s*g), gradient times g.
struct GradScaleFn : torch::autograd::Function<GradScaleFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& s, double g) {
    ctx->saved_data["g"] = g;
    return s.clone();
  }
  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    return {grads[0] * ctx->saved_data["g"].toDouble(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor gradScale(const torch::Tensor& step, double g) {
  return GradScaleFn::apply(step, g);
}

torch::Tensor lsqCode(const torch::Tensor& v, const torch::Tensor& step, double lo, double hi,
                      std::int64_t channel_dim) {
  return LsqCodeFn::apply(v, step, lo, hi, channel_dim);
}

torch::Tensor adcCodeSum(const std::vector<torch::Tensor>& psums, const torch::Tensor& step,
                         double lo, double hi, std::int64_t channel_dim) {
  if (psums.size() == 1) return lsqCode(psums[0], step, lo, hi, channel_dim);
  return AdcCodeSumFn::apply(torch::TensorList(psums), step, lo, hi, channel_dim);
}

torch::Tensor adcCodeSumScaled(const std::vector<torch::Tensor>& psums, const torch::Tensor& step,
                               const torch::Tensor& scale, double lo, double hi) {
  return AdcCodeSumScaledFn::apply(torch::TensorList(psums), step, scale, lo, hi);
}

torch::Tensor lsqQuantize(const torch::Tensor& v, const torch::Tensor& step, double lo, double hi,
                          double g, std::int64_t channel_dim) {
  torch::Tensor s = gradScale(step, g);
  torch::Tensor code = lsqCode(v, s, lo, hi, channel_dim);
  if (step.numel() == 1) return code * s.reshape({});
  std::vector<std::int64_t> shape(static_cast<std::size_t>(v.dim()), 1);
  shape[static_cast<std::size_t>(channel_dim < 0 ? channel_dim + v.dim() : channel_dim)] =
      step.numel();
  return code * s.reshape(shape);
}

torch::Tensor lsqInitialStep(const torch::Tensor& v, int hi, bool per_channel,
                             std::int64_t channel_dim) {
  torch::NoGradGuard guard;
  torch::Tensor a = v.detach().abs().to(torch::kFloat32);
  torch::Tensor mean;
  if (per_channel) {
    mean = a.transpose(0, channel_dim).reshape({a.size(channel_dim), -1}).mean(1);
  } else {
    mean = a.mean().reshape({1});
  }
  return (mean * (2.0 / std::sqrt(static_cast<double>(hi)))).clamp_min(1e-8);
}

namespace {

// Grid search of mseInitialStep over one flat sample.
double mseStepOf(torch::Tensor f, int lo, int hi, double min_step) {
  // A calibration sample is enough; more only costs time.
  if (f.numel() > (1 << 20)) f = f.slice(0, 0, f.numel(), f.numel() / (1 << 20) + 1);
  const double vmax = f.abs().max().item<double>();
  const double range = std::max(std::abs(static_cast<double>(lo)), static_cast<double>(hi));
  if (vmax <= 0) return min_step;
  double best_step = std::max(min_step, vmax / range), best_err = INFINITY;
  for (int k = 1; k <= 100; ++k) {
    const double s = std::max(min_step, vmax / range * k / 100.0);
    torch::Tensor q = (f / s).clamp(lo, hi).round() * s;
    const double err = (q - f).pow(2).mean().item<double>();
    if (err < best_err) {
      best_err = err;
      best_step = s;
    }
  }
  return best_step;
}

}  // namespace

double mseCalibratedStep(const torch::Tensor& v, int lo, int hi) {
  torch::NoGradGuard guard;
  torch::Tensor f = v.detach().to(torch::kFloat32).flatten();
  const double vmax = f.numel() ? f.abs().max().item<double>() : 0.0;
  if (vmax <= hi && -vmax >= lo) return 1.0;
  return mseStepOf(f, lo, hi, 1.0);
}

torch::Tensor mseInitialStep(const torch::Tensor& v, int lo, int hi, bool per_channel,
                             std::int64_t channel_dim, double min_step) {
  torch::NoGradGuard guard;
  torch::Tensor f = v.detach().to(torch::kFloat32);
  if (!per_channel) {
    return torch::tensor({static_cast<float>(mseStepOf(f.flatten(), lo, hi, min_step))});
  }
  torch::Tensor rows = f.transpose(0, channel_dim).reshape({f.size(channel_dim), -1});
  std::vector<float> steps;
  steps.reserve(static_cast<std::size_t>(rows.size(0)));
  for (std::int64_t c = 0; c < rows.size(0); ++c) {
    steps.push_back(static_cast<float>(mseStepOf(rows[c].contiguous(), lo, hi, min_step)));
  }
  return torch::tensor(steps);
}

}  // namespace cimscope
