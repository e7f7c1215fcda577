#pragma once

#include <torch/torch.h>

#include "engine/nn/spec/layer_shape.h"

namespace cimscope {

// How a weight layer computes (Stage 2 switches it without rebuilding the network).
enum class LayerMode {
  kFloat,      // plain float32 convolution / matrix product
  kQuantized,  // weights and activations fake-quantized (LSQ)
  kCim,        // quantized + partial sums per wordline group through the ADC
};

// Common base of our conv and linear modules: the layer's shape from NetworkSpec, its weight
// (and bias), and the mode. Subclasses implement the float forward; quantized modes are added
// by Stage 2 through the same modules.
class CimLayerImpl : public torch::nn::Module {
 public:
  explicit CimLayerImpl(const LayerShape& shape);
  ~CimLayerImpl() override = default;

  virtual torch::Tensor forward(const torch::Tensor& x) = 0;

  const LayerShape& shape() const { return shape_; }
  LayerMode mode() const { return mode_; }
  void setMode(LayerMode mode) { mode_ = mode; }

  torch::Tensor weight;  // conv: [cout, cin/groups, kh, kw]; linear: [cout, cin]
  torch::Tensor bias;    // [cout] or undefined

 protected:
  LayerShape shape_;
  LayerMode mode_ = LayerMode::kFloat;
};

// A convolution whose weights live in CIM macros (im2col rows x output-channel columns).
class CimConv2dImpl : public CimLayerImpl {
 public:
  explicit CimConv2dImpl(const LayerShape& shape);
  torch::Tensor forward(const torch::Tensor& x) override;
};
TORCH_MODULE(CimConv2d);

// A fully connected layer, mapped like a 1 x 1 convolution with one output pixel.
class CimLinearImpl : public CimLayerImpl {
 public:
  explicit CimLinearImpl(const LayerShape& shape);
  torch::Tensor forward(const torch::Tensor& x) override;
};
TORCH_MODULE(CimLinear);

}  // namespace cimscope
