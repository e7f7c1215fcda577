#pragma once

#include <string>
#include <vector>

namespace cimscope {

// Which network: a template, the input shape and the per-group widths. buildNetworkShape()
// (network_templates.h) turns it into layer shapes; the LibTorch model is built from the same.
struct NetworkSpec {
  std::string model = "resnet20";  // template: "lenet5", "vgg8", "resnet20"
  int in_channels = 1;             // input channels
  int in_height = 28;              // input height, pixels
  int in_width = 28;               // input width, pixels
  int classes = 10;                // output classes (width of the last linear layer)
  // Channels per width group, one entry per group in the order of each group's first layer
  // (NetworkShape::width_groups lists the names); empty = the template's widths.
  std::vector<int> widths;

  // Throws ConfigError naming the field, the value and the allowed range. The widths' count is
  // checked by buildNetworkShape(), which knows the template's groups.
  void validate() const;
};

}  // namespace cimscope
