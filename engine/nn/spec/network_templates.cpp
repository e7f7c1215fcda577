#include "engine/nn/spec/network_templates.h"

#include "engine/nn/spec/shape_builder.h"

// The three templates (issue 3; docs/macro-model.md "Networks"). Batch norm follows every conv
// and every hidden linear layer so that Stage 1 has a |gamma| for every prunable channel; layers
// followed by batch norm carry no bias. Only the classifier has a bias.

namespace cimscope {
namespace {

// LeCun et al. 1998, modernised with ReLU, max pooling and batch norm.
// 1x28x28: conv1 6@5x5 -> 24x24, pool -> 12x12, conv2 16@5x5 -> 8x8, pool -> 4x4,
// fc1 256 -> 120, fc2 120 -> 84, fc3 84 -> classes.
void lenet5(ShapeBuilder& b, const NetworkSpec& spec) {
  b.conv("conv1", b.group("conv1", 6), 5, 1, 0);
  b.batchNorm("bn1");
  b.relu();
  b.maxPool(2, 2);
  b.conv("conv2", b.group("conv2", 16), 5, 1, 0);
  b.batchNorm("bn2");
  b.relu();
  b.maxPool(2, 2);
  b.flatten();
  b.linear("fc1", b.group("fc1", 120), 0, false);
  b.batchNorm("bn3");
  b.relu();
  b.linear("fc2", b.group("fc2", 84), 0, false);
  b.batchNorm("bn4");
  b.relu();
  b.linear("fc3", -1, spec.classes, true);
}

// VGG-8 as DNN+NeuroSim uses it: 3x3 convs (padding 1) 128, 128, pool, 256, 256, pool, 512, 512,
// pool, fc 1024, fc classes.
void vgg8(ShapeBuilder& b, const NetworkSpec& spec) {
  const int widths[6] = {128, 128, 256, 256, 512, 512};
  for (int i = 0; i < 6; ++i) {
    const std::string n = std::to_string(i + 1);
    b.conv("conv" + n, b.group("conv" + n, widths[i]), 3, 1, 1);
    b.batchNorm("bn" + n);
    b.relu();
    if (i % 2 == 1) b.maxPool(2, 2);
  }
  b.flatten();
  b.linear("fc1", b.group("fc1", 1024), 0, false);
  b.batchNorm("bn7");
  b.relu();
  b.linear("fc2", -1, spec.classes, true);
}

// The CIFAR ResNet-20 of He et al. 2016 (section 4.2): conv 16, three stages of three basic
// blocks at 16/32/64, stride 2 in the first conv of stages 2 and 3, option-A shortcuts, global
// average pool, fc. A stage's block outputs are one width group (the identity shortcuts add them);
// stage 1's group also holds the stem conv, whose output its first shortcut carries.
void resnet20(ShapeBuilder& b, const NetworkSpec& spec) {
  b.conv("conv1", b.group("stage1", 16), 3, 1, 1);
  b.batchNorm("bn1");
  int block_input = b.relu();
  for (int s = 0; s < 3; ++s) {
    const int width = 16 << s;
    for (int k = 0; k < 3; ++k) {
      const int stride = (s > 0 && k == 0) ? 2 : 1;
      const std::string p = "layer" + std::to_string(s + 1) + "." + std::to_string(k) + ".";
      const int inner = b.group(p + "conv1", width);
      const int stage = b.group("stage" + std::to_string(s + 1), width);
      b.conv(p + "conv1", inner, 3, stride, 1);
      b.batchNorm(p + "bn1");
      b.relu();
      b.conv(p + "conv2", stage, 3, 1, 1);
      b.batchNorm(p + "bn2");
      b.residualAdd(block_input, stride);
      block_input = b.relu();
    }
  }
  b.globalAvgPool();
  b.flatten();
  b.linear("fc", -1, spec.classes, true);
}

}  // namespace

const std::vector<std::string>& networkTemplateNames() {
  static const std::vector<std::string> names = {"lenet5", "vgg8", "resnet20"};
  return names;
}

NetworkShape buildNetworkShape(const NetworkSpec& spec) {
  spec.validate();
  NetworkShape out;
  ShapeBuilder b(spec, out);
  if (spec.model == "lenet5") {
    lenet5(b, spec);
  } else if (spec.model == "vgg8") {
    vgg8(b, spec);
  } else {
    resnet20(b, spec);
  }
  b.finish();
  return out;
}

std::vector<WidthGroup> defaultWidthGroups(const std::string& model) {
  NetworkSpec spec;
  spec.model = model;
  spec.in_height = spec.in_width = 32;
  return buildNetworkShape(spec).width_groups;
}

}  // namespace cimscope
