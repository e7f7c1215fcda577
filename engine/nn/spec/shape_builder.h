#pragma once

#include <string>

#include "engine/nn/spec/network_shape.h"
#include "engine/nn/spec/network_spec.h"

namespace cimscope {

// Appends layers and ops to a NetworkShape while tracking the current C x H x W; used by the
// templates in network_templates.cpp. Width groups are created on first use, so their order is
// the order of each group's first layer (the order NetworkSpec::widths takes).
class ShapeBuilder {
 public:
  ShapeBuilder(const NetworkSpec& spec, NetworkShape& out);

  // The group called `name` (created with `default_width` on first use); returns its index.
  int group(const std::string& name, int default_width);

  // Each returns the index of the op it appended.
  int conv(const std::string& name, int group, int kernel, int stride, int padding);
  int batchNorm(const std::string& name);
  int relu();
  int maxPool(int kernel, int stride);
  int residualAdd(int from_op, int stride);
  int globalAvgPool();
  int flatten();
  // group == -1: a fixed width `fixed_width` (the classifier).
  int linear(const std::string& name, int group, int fixed_width, bool bias);

  int lastOp() const { return static_cast<int>(out_.ops.size()) - 1; }

  // Checks the widths' count against the groups created and sums parameters. Call once, last.
  void finish();

 private:
  int widthOf(int group) const;
  int push(NetworkOp op);
  void spatialCheck(const std::string& what, int out_h, int out_w) const;

  const NetworkSpec& spec_;
  NetworkShape& out_;
  int c_, h_, w_;           // current tensor shape
  int current_group_ = -1;  // width group of the current channels, -1 = input / fixed
};

}  // namespace cimscope
