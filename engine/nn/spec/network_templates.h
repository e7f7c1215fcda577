#pragma once

#include <string>
#include <vector>

#include "engine/nn/spec/network_shape.h"
#include "engine/nn/spec/network_spec.h"

namespace cimscope {

// The template names buildNetworkShape() knows: "lenet5", "vgg8", "resnet20".
const std::vector<std::string>& networkTemplateNames();

// Validates `spec` and resolves it into layer shapes, ops and width groups. Throws ConfigError
// for an unknown model, a widths list of the wrong length or with a value out of range, or an
// input too small for the template (naming the layer whose output would be empty).
NetworkShape buildNetworkShape(const NetworkSpec& spec);

// The template's width groups with default widths (cheap: builds the default network).
std::vector<WidthGroup> defaultWidthGroups(const std::string& model);

}  // namespace cimscope
