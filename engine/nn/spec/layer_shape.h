#pragma once

#include <cstdint>
#include <string>

namespace cimscope {

// What a weight layer is. A linear layer is mapped as a 1 x 1 convolution with one output pixel.
enum class LayerKind { kConv, kLinear };

const char* toString(LayerKind kind);  // "conv", "linear"

// The shape of one weight layer (conv or linear), as NetworkShape lists them in forward order.
// The mapper and the LibTorch model both read these, so they cannot disagree.
struct LayerShape {
  std::string name;                   // module path: "conv1", "layer2.0.conv1", "fc"
  LayerKind kind = LayerKind::kConv;  // conv or linear
  int kh = 1;                         // kernel height, pixels (1 for linear)
  int kw = 1;                         // kernel width, pixels (1 for linear)
  int cin = 1;                        // input channels (linear: input features, after flatten)
  int cout = 1;                       // output channels (linear: output features)
  int groups = 1;                     // convolution groups (1 = dense)
  int stride = 1;                     // stride, pixels, both directions
  int padding = 0;                    // zero padding on each side, pixels
  int in_h = 1;                       // input height, pixels (1 for linear)
  int in_w = 1;                       // input width, pixels (1 for linear)
  int out_h = 1;                      // output height, pixels (1 for linear)
  int out_w = 1;                      // output width, pixels (1 for linear)
  bool bias = false;                  // has a bias vector (layers followed by batch norm do not)
  int width_group = -1;               // NetworkShape::width_groups index of cout; -1 = fixed
  int input_group = -1;               // width group that sets cin; -1 = network input or fixed

  // im2col rows per output channel: kh * kw * cin / groups (docs/macro-model.md, "Mapping").
  std::int64_t rows() const { return static_cast<std::int64_t>(kh) * kw * (cin / groups); }
  // Weights (no bias): rows() * cout.
  std::int64_t weights() const { return rows() * cout; }
  // Trainable parameters of the layer itself: weights plus bias.
  std::int64_t params() const { return weights() + (bias ? cout : 0); }
  // Output values per output channel and inference (1 for linear).
  std::int64_t outPixels() const { return static_cast<std::int64_t>(out_h) * out_w; }
};

}  // namespace cimscope
