#include "engine/nn/cim_layer.h"

#include <cmath>

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

}  // namespace

CimConv2dImpl::CimConv2dImpl(const LayerShape& s) : CimLayerImpl(s) {
  weight = register_parameter("weight", torch::empty({s.cout, s.cin / s.groups, s.kh, s.kw}));
  if (s.bias) bias = register_parameter("bias", torch::empty({s.cout}));
  initLikeTorch(weight, bias, s.rows());
}

torch::Tensor CimConv2dImpl::forward(const torch::Tensor& x) {
  return F::conv2d(x, weight,
                   F::Conv2dFuncOptions().bias(bias).stride(shape_.stride).padding(shape_.padding)
                       .groups(shape_.groups));
}

CimLinearImpl::CimLinearImpl(const LayerShape& s) : CimLayerImpl(s) {
  weight = register_parameter("weight", torch::empty({s.cout, s.cin}));
  if (s.bias) bias = register_parameter("bias", torch::empty({s.cout}));
  initLikeTorch(weight, bias, s.cin);
}

torch::Tensor CimLinearImpl::forward(const torch::Tensor& x) {
  return F::linear(x, weight, bias);
}

}  // namespace cimscope
