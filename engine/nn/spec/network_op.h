#pragma once

#include <string>

namespace cimscope {

// One step of a template's forward pass, in order. Enough to build the LibTorch model.
enum class OpKind {
  kConv,         // NetworkShape::layers[layer], no bias unless LayerShape::bias
  kBatchNorm,    // 2-D (after conv) or 1-D (after linear) batch norm over out_c channels
  kRelu,         // in place
  kMaxPool,      // kernel x kernel window, stride, no padding, floor
  kResidualAdd,  // adds the shortcut from ops[from] (option A, see below) to the current value
  kAvgPool,      // global average pool to 1 x 1
  kFlatten,      // C x H x W -> C*H*W features
  kLinear,       // NetworkShape::layers[layer]
};

const char* toString(OpKind kind);  // "conv", "bn", "relu", "maxpool", "residual", "avgpool", ...

// Option-A shortcut of kResidualAdd (He et al. 2016): the value after ops[from] (the network input
// when from == -1) is subsampled as x[:, :, ::stride, ::stride]; its first min(c_in, c_out)
// channels are added to the first channels of the current value, i.e. missing channels are zero
// padding at the end and surplus input channels are dropped. Parameter-free; with the default
// widths this is the usual identity / zero-padded shortcut.
struct NetworkOp {
  OpKind kind = OpKind::kRelu;  // what this step does
  std::string name;             // module name of conv/bn/linear ("layer1.0.bn1"), "" otherwise
  int layer = -1;               // conv/linear: index into NetworkShape::layers
  int kernel = 0;               // maxpool window, pixels
  int stride = 0;               // maxpool stride; residual: shortcut subsampling stride
  int from = -1;                // residual: op whose output is the shortcut input (-1 = input)
  int out_c = 0;                // channels (features) after this op
  int out_h = 0;                // height after this op, pixels (1 after flatten)
  int out_w = 0;                // width after this op, pixels (1 after flatten)
};

}  // namespace cimscope
