#include "engine/nn/spec/network_op.h"

namespace cimscope {

const char* toString(OpKind kind) {
  switch (kind) {
    case OpKind::kConv:
      return "conv";
    case OpKind::kBatchNorm:
      return "bn";
    case OpKind::kRelu:
      return "relu";
    case OpKind::kMaxPool:
      return "maxpool";
    case OpKind::kResidualAdd:
      return "residual";
    case OpKind::kAvgPool:
      return "avgpool";
    case OpKind::kFlatten:
      return "flatten";
    case OpKind::kLinear:
      return "linear";
  }
  return "?";
}

}  // namespace cimscope
