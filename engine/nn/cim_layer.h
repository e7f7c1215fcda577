#pragma once

#include <torch/torch.h>

#include <vector>

#include "engine/cim/macro_spec.h"
#include "engine/cim/row_partition.h"
#include "engine/nn/layer_mode.h"
#include "engine/nn/spec/layer_shape.h"

namespace cimscope {

// How one weight layer is quantized (built from a QuantConfig by configureQuantization()).
struct LayerQuantSpec {
  bool enabled = false;              // false: the layer stays float in every mode (excluded)
  int weight_bits = 4;               // signed weights: codes -2^(b-1) .. 2^(b-1)-1
  int input_bits = 4;                // activations: unsigned 0..2^b-1 (signed for network input)
  int adc_bits = 5;                  // signed partial-sum codes -2^(b-1) .. 2^(b-1)-1
  bool input_signed = false;         // the layer reads the (normalized, signed) network input
  bool per_channel_weights = false;  // weight step per output channel
  bool per_column_adc = false;       // ADC step per column tile
  int weights_per_col_tile = 1;      // output channels per column tile (mapLayer)
  int col_tiles = 1;                 // column tiles (mapLayer)
  RowSplit row_split = RowSplit::kChannel;
  std::vector<RowRange> groups;      // wordline groups, RowPartition::of(layer, macro).groups
};

// Which steps the next forward initialises from the data it sees (LSQ: 2 mean|v| / sqrt(Qp)).
// Over several calibration batches (batch = 0, 1, ...: one request each), the activation and
// ADC steps become the mean of the per-batch steps; weight steps are set at batch 0.
struct CalibrationRequest {
  bool activations = false;
  bool weights = false;
  bool adc = false;
  bool adc_mse = false;  // ADC steps by minimum squared error instead of the LSQ rule
  bool mse = false;      // weight and activation steps by minimum squared error (mseInitialStep)
  int batch = 0;         // this batch's index in the calibration (0: the first, steps restart)
};

// Common base of our conv and linear modules: the layer's shape from NetworkSpec, its weight
// (and bias), the mode and, once configured, its LSQ steps. Float mode is a plain conv / linear.
// Quantized and CIM modes compute from integer codes (exact integer-valued float32):
//   acc = sum over wordline groups g of ADC(psum_g)   (CIM; one group and no ADC: quantized)
//   y   = acc * (s_adc * s_act * s_w) + bias
// so training, evaluation and the macro simulator round the very same integers at the ADC.
class CimLayerImpl : public torch::nn::Module {
 public:
  explicit CimLayerImpl(const LayerShape& shape);
  ~CimLayerImpl() override = default;

  torch::Tensor forward(const torch::Tensor& x);

  const LayerShape& shape() const { return shape_; }
  LayerMode mode() const { return mode_; }
  void setMode(LayerMode mode) { mode_ = mode; }

  // Registers (first call) or reshapes the steps "act_step" [1], "weight_step" [1 or cout],
  // "adc_step" [1 or col_tiles] as parameters, initialised to 1 (a step whose shape is unchanged
  // keeps its value; calibrate after). A disabled spec registers none.
  void configureQuant(const LayerQuantSpec& spec);
  const LayerQuantSpec& quant() const { return quant_; }
  bool quantized() const { return quant_.enabled; }
  void requestCalibration(const CalibrationRequest& r) { calibration_ = r; }

  // Keeps the integer partial sums (before the ADC) of the next CIM forwards, one tensor per
  // wordline group in NCHW (conv) or [N, cout] (linear) layout, for tests and the simulator.
  void setCapturePartialSums(bool on) { capture_ = on; captured_.clear(); }
  const std::vector<torch::Tensor>& capturedPartialSums() const { return captured_; }

  // The code ranges of the three quantizers.
  double inputLo() const;
  double inputHi() const;
  double weightLo() const;
  double weightHi() const;
  double adcLo() const;
  double adcHi() const;
  // The ADC step per output channel ([cout], or [1] when per layer).
  torch::Tensor adcStepPerChannel(const torch::Tensor& adc_step) const;
  // (s_adc * s_act) * s_w per output channel, [cout] or [1]; the forward's rescale factor.
  static torch::Tensor outputScale(const torch::Tensor& adc_step_per_channel,
                                   const torch::Tensor& act_step,
                                   const torch::Tensor& weight_step);
  // acc * scale (broadcast over channels, dim 1) + bias: the forward's digital rescale.
  torch::Tensor rescale(const torch::Tensor& acc, const torch::Tensor& scale) const;
  // y + bias (broadcast over channels, dim 1), or y when the layer has no bias.
  torch::Tensor addBias(const torch::Tensor& y) const;

  // The float product (float mode) and, on integer codes, the dense product and the per-group
  // partial sums (groups from quant().groups).
  virtual torch::Tensor floatForward(const torch::Tensor& x) = 0;
  virtual torch::Tensor denseProduct(const torch::Tensor& xc, const torch::Tensor& wc) = 0;
  virtual std::vector<torch::Tensor> groupProducts(const torch::Tensor& xc,
                                                   const torch::Tensor& wc) = 0;

  torch::Tensor weight;       // conv: [cout, cin/groups, kh, kw]; linear: [cout, cin]
  torch::Tensor bias;         // [cout] or undefined
  torch::Tensor act_step;     // LSQ steps (undefined until configureQuant)
  torch::Tensor weight_step;
  torch::Tensor adc_step;     // in integer partial-sum units

 protected:
  void calibrate(const torch::Tensor& x, const std::vector<torch::Tensor>* psums);

  LayerShape shape_;
  LayerMode mode_ = LayerMode::kFloat;
  LayerQuantSpec quant_;
  CalibrationRequest calibration_;
  bool capture_ = false;
  std::vector<torch::Tensor> captured_;
  torch::Tensor tile_of_channel_;  // [cout] long: column tile of each output channel
};

// A convolution whose weights live in CIM macros (im2col rows x output-channel columns).
class CimConv2dImpl : public CimLayerImpl {
 public:
  explicit CimConv2dImpl(const LayerShape& shape);
  torch::Tensor floatForward(const torch::Tensor& x) override;
  torch::Tensor denseProduct(const torch::Tensor& xc, const torch::Tensor& wc) override;
  // Channel-aligned groups: one dense convolution per group of input channels. Groups that cut
  // through kernels (row_split consecutive): im2col (unfold) and a matrix product per group.
  std::vector<torch::Tensor> groupProducts(const torch::Tensor& xc,
                                           const torch::Tensor& wc) override;
};
TORCH_MODULE(CimConv2d);

// A fully connected layer, mapped like a 1 x 1 convolution with one output pixel.
class CimLinearImpl : public CimLayerImpl {
 public:
  explicit CimLinearImpl(const LayerShape& shape);
  torch::Tensor floatForward(const torch::Tensor& x) override;
  torch::Tensor denseProduct(const torch::Tensor& xc, const torch::Tensor& wc) override;
  std::vector<torch::Tensor> groupProducts(const torch::Tensor& xc,
                                           const torch::Tensor& wc) override;
};
TORCH_MODULE(CimLinear);

}  // namespace cimscope
