#include "engine/nn/spec/layer_shape.h"

namespace cimscope {

const char* toString(LayerKind kind) {
  switch (kind) {
    case LayerKind::kConv:
      return "conv";
    case LayerKind::kLinear:
      return "linear";
  }
  return "?";
}

}  // namespace cimscope
