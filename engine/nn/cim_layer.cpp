#include "engine/nn/cim_layer.h"

#include <cmath>

#include "engine/cim/adc_function.h"
#include "engine/common/errors.h"
#include "engine/nn/lsq_quantizer.h"

namespace cimscope {

namespace F = torch::nn::functional;

CimLayerImpl::CimLayerImpl(const LayerShape& shape) : shape_(shape) {}

namespace {

// Kaiming-uniform weights and the matching bias bound, as torch::nn::Conv2d / Linear do, so a
// network built here trains like one built from torch's own modules.
void initLikeTorch(torch::Tensor& weight, torch::Tensor& bias, std::int64_t fan_in) {
  torch::NoGradGuard guard;
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    torch::nn::init::uniform_(bias, -bound, bound);
  }
}

// Broadcast shape of a per-channel vector against an output of `dims` dimensions (channels 1).
std::vector<std::int64_t> channelShape(std::int64_t n, std::int64_t dims) {
  std::vector<std::int64_t> s(static_cast<std::size_t>(dims), 1);
  s[1] = n;
  return s;
}

// Sizes of the wordline groups along the split dimension: rows per group / rows_per_unit (the
// kernel's kh*kw rows per input channel for channel-aligned groups, 1 for rows). The groups
// partition the rows in order (RowPartition), so split_with_sizes gives every group's slice and
// its backward is one concatenation (a narrow per group would zero-fill and add a full-size
// gradient per group).
std::vector<std::int64_t> groupSizes(const std::vector<RowRange>& groups, int rows_per_unit) {
  std::vector<std::int64_t> sizes;
  sizes.reserve(groups.size());
  for (const auto& g : groups) sizes.push_back((g.end - g.begin) / rows_per_unit);
  return sizes;
}

void setStep(torch::Tensor& step, const torch::Tensor& value) {
  torch::NoGradGuard g;
  step.set_data(value.detach().to(torch::kFloat32).reshape(step.sizes()).clone());
}

}  // namespace

double CimLayerImpl::inputLo() const {
  return QuantRange::ofBits(quant_.input_bits, quant_.input_signed).lo;
}
double CimLayerImpl::inputHi() const {
  return QuantRange::ofBits(quant_.input_bits, quant_.input_signed).hi;
}
double CimLayerImpl::weightLo() const { return QuantRange::ofBits(quant_.weight_bits, true).lo; }
double CimLayerImpl::weightHi() const { return QuantRange::ofBits(quant_.weight_bits, true).hi; }
double CimLayerImpl::adcLo() const { return QuantRange::ofBits(quant_.adc_bits, true).lo; }
double CimLayerImpl::adcHi() const { return QuantRange::ofBits(quant_.adc_bits, true).hi; }

void CimLayerImpl::configureQuant(const LayerQuantSpec& spec) {
  if (spec.enabled && (spec.groups.empty() || spec.weights_per_col_tile < 1)) {
    throw ConfigError("layer " + shape_.name + ": quantization spec without wordline groups");
  }
  if (spec.enabled && shape_.groups != 1) {
    throw ConfigError("layer " + shape_.name + ": grouped convolutions are not quantized");
  }
  quant_ = spec;
  if (!spec.enabled) return;
  const std::int64_t nw = spec.per_channel_weights ? shape_.cout : 1;
  const std::int64_t na = spec.per_column_adc ? spec.col_tiles : 1;
  auto reg = [this](torch::Tensor& t, const char* name, std::int64_t n) {
    if (t.defined()) {
      if (t.numel() != n) setStep(t, torch::ones({n}));  // same shape: keep the learned step
    } else {
      t = register_parameter(name, torch::ones({n}));
    }
  };
  reg(act_step, "act_step", 1);
  reg(weight_step, "weight_step", nw);
  reg(adc_step, "adc_step", na);
  std::vector<std::int64_t> tiles(static_cast<std::size_t>(shape_.cout));
  for (int c = 0; c < shape_.cout; ++c) tiles[c] = c / spec.weights_per_col_tile;
  tile_of_channel_ = torch::tensor(tiles, torch::kLong);
}

torch::Tensor CimLayerImpl::adcStepPerChannel(const torch::Tensor& s) const {
  return quant_.per_column_adc ? s.index_select(0, tile_of_channel_) : s;
}

torch::Tensor CimLayerImpl::outputScale(const torch::Tensor& adc, const torch::Tensor& act,
                                        const torch::Tensor& w) {
  return (adc * act) * w;
}

torch::Tensor CimLayerImpl::rescale(const torch::Tensor& acc, const torch::Tensor& scale) const {
  return addBias(scale.numel() == 1
                     ? acc * scale.reshape({})
                     : acc * scale.reshape(channelShape(scale.numel(), acc.dim())));
}

torch::Tensor CimLayerImpl::addBias(const torch::Tensor& y) const {
  return bias.defined() ? y + bias.reshape(channelShape(bias.numel(), y.dim())) : y;
}

namespace {

// The mean of the n steps seen so far and this batch's.
torch::Tensor runningMean(const torch::Tensor& mean, const torch::Tensor& batch_step, int n) {
  if (n == 0 || !mean.defined() || mean.sizes() != batch_step.sizes()) return batch_step;
  return mean + (batch_step - mean) / static_cast<double>(n + 1);
}

}  // namespace

void CimLayerImpl::calibrate(const torch::Tensor& x, const std::vector<torch::Tensor>* psums) {
  torch::NoGradGuard guard;
  if (psums == nullptr) {
    if (calibration_.activations) {
      const int lo = static_cast<int>(inputLo()), hi = static_cast<int>(inputHi());
      const torch::Tensor s =
          calibration_.mse ? mseInitialStep(x, lo, hi, false) : lsqInitialStep(x, hi, false);
      setStep(act_step, runningMean(act_step.detach().clone(), s, calibration_.batch));
      calibration_.activations = false;
    }
    if (calibration_.weights && calibration_.batch == 0) {
      const int lo = static_cast<int>(weightLo()), hi = static_cast<int>(weightHi());
      setStep(weight_step, calibration_.mse
                               ? mseInitialStep(weight, lo, hi, quant_.per_channel_weights, 0)
                               : lsqInitialStep(weight, hi, quant_.per_channel_weights, 0));
    }
    calibration_.weights = false;  // the weights do not change between calibration batches
    return;
  }
  if (!calibration_.adc) return;
  const int lo = static_cast<int>(adcLo()), hi = static_cast<int>(adcHi());
  // One step from the psums of a set of output channels (all, or one column tile's).
  auto stepFor = [&](const torch::Tensor& channels) {
    std::vector<torch::Tensor> parts;
    for (const auto& p : *psums) {
      parts.push_back((channels.defined() ? p.index_select(1, channels) : p).flatten());
    }
    torch::Tensor all = torch::cat(parts);
    if (calibration_.adc_mse) return mseCalibratedStep(all, lo, hi);
    const double vmax = all.abs().max().item<double>();
    if (vmax <= hi) return 1.0;  // the ADC resolves every partial sum: lossless
    return std::max(1.0, lsqInitialStep(all, hi, false).item<double>());
  };
  std::vector<float> steps;
  if (quant_.per_column_adc) {
    for (int t = 0; t < quant_.col_tiles; ++t) {
      torch::Tensor ch = tile_of_channel_.eq(t).nonzero().flatten();
      steps.push_back(static_cast<float>(stepFor(ch)));
    }
  } else {
    steps.push_back(static_cast<float>(stepFor(torch::Tensor())));
  }
  setStep(adc_step,
          runningMean(adc_step.detach().clone(), torch::tensor(steps), calibration_.batch));
  calibration_.adc = false;
}

torch::Tensor CimLayerImpl::forward(const torch::Tensor& x) {
  if (mode_ == LayerMode::kFloat || !quant_.enabled) return floatForward(x);
  calibrate(x, nullptr);
  // Gradient scales g = 1 / sqrt(N * Qp) (LSQ): N = features per sample for activations,
  // weights per step for weights, partial sums per sample and step for the ADC.
  const double per_sample = static_cast<double>(x.numel()) / std::max<std::int64_t>(1, x.size(0));
  const torch::Tensor sa = gradScale(act_step, 1.0 / std::sqrt(per_sample * inputHi()));
  const double w_per_step = static_cast<double>(weight.numel()) / weight_step.numel();
  const torch::Tensor sw = gradScale(weight_step, 1.0 / std::sqrt(w_per_step * weightHi()));
  const torch::Tensor xc = lsqCode(x, sa, inputLo(), inputHi(), 1);
  const torch::Tensor wc = lsqCode(weight, sw, weightLo(), weightHi(), 0);
  if (mode_ == LayerMode::kQuantized) {
    return rescale(denseProduct(xc, wc), outputScale(torch::ones({1}), sa, sw));
  }
  std::vector<torch::Tensor> psums = groupProducts(xc, wc);
  if (calibration_.adc) calibrate(x, &psums);
  if (capture_) {
    for (const auto& p : psums) captured_.push_back(p.detach().contiguous().to(torch::kInt32));
  }
  const double psums_per_sample = static_cast<double>(psums[0].numel()) * psums.size() /
                                  std::max<std::int64_t>(1, psums[0].size(0)) / adc_step.numel();
  const torch::Tensor sadc =
      adcStepPerChannel(gradScale(adc_step, 1.0 / std::sqrt(psums_per_sample * adcHi())));
  const torch::Tensor scale = outputScale(sadc, sa, sw);
  if (sadc.numel() == 1 && scale.numel() == 1) {
    return addBias(adcCodeSumScaled(psums, sadc, scale, adcLo(), adcHi()));
  }
  return rescale(adcCodeSum(psums, sadc, adcLo(), adcHi(), 1), scale);
}

CimConv2dImpl::CimConv2dImpl(const LayerShape& s) : CimLayerImpl(s) {
  weight = register_parameter("weight", torch::empty({s.cout, s.cin / s.groups, s.kh, s.kw}));
  if (s.bias) bias = register_parameter("bias", torch::empty({s.cout}));
  initLikeTorch(weight, bias, s.rows());
}

torch::Tensor CimConv2dImpl::floatForward(const torch::Tensor& x) {
  return F::conv2d(x, weight,
                   F::Conv2dFuncOptions().bias(bias).stride(shape_.stride).padding(shape_.padding)
                       .groups(shape_.groups));
}

torch::Tensor CimConv2dImpl::denseProduct(const torch::Tensor& xc, const torch::Tensor& wc) {
  return F::conv2d(xc, wc, F::Conv2dFuncOptions().stride(shape_.stride).padding(shape_.padding));
}

std::vector<torch::Tensor> CimConv2dImpl::groupProducts(const torch::Tensor& xc,
                                                        const torch::Tensor& wc) {
  const int k = shape_.kh * shape_.kw;
  bool aligned = true;
  for (const auto& g : quant_.groups) aligned = aligned && g.begin % k == 0 && g.end % k == 0;
  std::vector<torch::Tensor> out;
  out.reserve(quant_.groups.size());
  if (quant_.groups.size() == 1) {
    out.push_back(denseProduct(xc, wc));
  } else if (aligned) {
    const std::vector<std::int64_t> sizes = groupSizes(quant_.groups, k);
    const std::vector<torch::Tensor> xs = xc.split_with_sizes(sizes, 1);
    const std::vector<torch::Tensor> ws = wc.split_with_sizes(sizes, 1);
    for (std::size_t i = 0; i < xs.size(); ++i) out.push_back(denseProduct(xs[i], ws[i]));
  } else {
    // Groups cut through kernels: im2col rows (order c, kh, kw) and a product per row range.
    const torch::Tensor cols =
        F::unfold(xc, F::UnfoldFuncOptions({shape_.kh, shape_.kw})
                          .padding(shape_.padding)
                          .stride(shape_.stride));  // [N, rows, L]
    const torch::Tensor w2 = wc.reshape({shape_.cout, -1});
    const std::int64_t n = xc.size(0);
    const std::int64_t oh = (xc.size(2) + 2 * shape_.padding - shape_.kh) / shape_.stride + 1;
    const std::int64_t ow = (xc.size(3) + 2 * shape_.padding - shape_.kw) / shape_.stride + 1;
    const std::vector<std::int64_t> sizes = groupSizes(quant_.groups, 1);
    const std::vector<torch::Tensor> ws = w2.split_with_sizes(sizes, 1);
    const std::vector<torch::Tensor> cs = cols.split_with_sizes(sizes, 1);
    for (std::size_t i = 0; i < ws.size(); ++i) {
      out.push_back(torch::matmul(ws[i], cs[i]).view({n, shape_.cout, oh, ow}));
    }
  }
  return out;
}

CimLinearImpl::CimLinearImpl(const LayerShape& s) : CimLayerImpl(s) {
  weight = register_parameter("weight", torch::empty({s.cout, s.cin}));
  if (s.bias) bias = register_parameter("bias", torch::empty({s.cout}));
  initLikeTorch(weight, bias, s.cin);
}

torch::Tensor CimLinearImpl::floatForward(const torch::Tensor& x) {
  return F::linear(x, weight, bias);
}

torch::Tensor CimLinearImpl::denseProduct(const torch::Tensor& xc, const torch::Tensor& wc) {
  return F::linear(xc, wc);
}

std::vector<torch::Tensor> CimLinearImpl::groupProducts(const torch::Tensor& xc,
                                                        const torch::Tensor& wc) {
  std::vector<torch::Tensor> out;
  if (quant_.groups.size() == 1) {
    out.push_back(F::linear(xc, wc));
    return out;
  }
  const std::vector<std::int64_t> sizes = groupSizes(quant_.groups, 1);
  const std::vector<torch::Tensor> xs = xc.split_with_sizes(sizes, 1);
  const std::vector<torch::Tensor> ws = wc.split_with_sizes(sizes, 1);
  for (std::size_t i = 0; i < xs.size(); ++i) out.push_back(F::linear(xs[i], ws[i]));
  return out;
}

}  // namespace cimscope
