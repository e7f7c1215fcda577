#include "engine/nn/spec/network_shape.h"

namespace cimscope {

std::vector<int> NetworkShape::widths() const {
  std::vector<int> out;
  out.reserve(width_groups.size());
  for (const auto& g : width_groups) out.push_back(g.width);
  return out;
}

}  // namespace cimscope
