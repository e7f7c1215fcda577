#include "engine/nn/spec/network_shape.h"

namespace cimscope {

std::vector<int> NetworkShape::widths() const {
  std::vector<int> out;
  out.reserve(width_groups.size());
  for (const auto& g : width_groups) out.push_back(g.width);
  return out;
}

bool keptInFloat(std::size_t index, std::size_t layers, bool first_last_in_float) {
  return first_last_in_float && (index == 0 || index + 1 == layers);
}

NetworkShape layersOnMacro(const NetworkShape& shape, bool first_last_in_float) {
  NetworkShape out = shape;
  out.layers.clear();
  for (std::size_t i = 0; i < shape.layers.size(); ++i) {
    if (!keptInFloat(i, shape.layers.size(), first_last_in_float)) {
      out.layers.push_back(shape.layers[i]);
    }
  }
  return out;
}

}  // namespace cimscope
