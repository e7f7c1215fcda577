#include "engine/nn/spec/network_shape.h"

namespace cimscope {

std::vector<int> NetworkShape::widths() const {
  std::vector<int> out;
  out.reserve(width_groups.size());
  for (const auto& g : width_groups) out.push_back(g.width);
  return out;
}

NetworkShape layersOnMacro(const NetworkShape& shape, bool first_last_in_float) {
  NetworkShape out = shape;
  if (first_last_in_float && out.layers.size() > 2) {
    out.layers.pop_back();
    out.layers.erase(out.layers.begin());
  }
  return out;
}

}  // namespace cimscope
