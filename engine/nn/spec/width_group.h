#pragma once

#include <string>
#include <vector>

namespace cimscope {

// Channels that must keep one count for the network to stay valid: the outputs of every layer in
// `layers` (and the batch norms after them). A residual stage's block outputs and, for the first
// stage, the stem conv feeding its identity shortcuts form one group; every other conv or hidden
// linear layer is a group of its own. Pruning and NetworkSpec::widths work per group.
struct WidthGroup {
  std::string name;         // "stage1", "layer1.0.conv1", "conv1", "fc1"
  int width = 0;            // channels (features) of every layer in the group
  int default_width = 0;    // the template's width
  std::vector<int> layers;  // indices into NetworkShape::layers whose cout this is
};

}  // namespace cimscope
