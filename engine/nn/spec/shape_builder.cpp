#include "engine/nn/spec/shape_builder.h"

#include <algorithm>

#include "engine/common/errors.h"

namespace cimscope {

ShapeBuilder::ShapeBuilder(const NetworkSpec& spec, NetworkShape& out)
    : spec_(spec), out_(out), c_(spec.in_channels), h_(spec.in_height), w_(spec.in_width) {
  out_.model = spec.model;
  out_.in_channels = spec.in_channels;
  out_.in_height = spec.in_height;
  out_.in_width = spec.in_width;
  out_.classes = spec.classes;
}

int ShapeBuilder::group(const std::string& name, int default_width) {
  for (std::size_t i = 0; i < out_.width_groups.size(); ++i) {
    if (out_.width_groups[i].name == name) return static_cast<int>(i);
  }
  WidthGroup g;
  g.name = name;
  g.default_width = default_width;
  const std::size_t index = out_.width_groups.size();
  g.width = index < spec_.widths.size() ? spec_.widths[index] : default_width;
  out_.width_groups.push_back(std::move(g));
  return static_cast<int>(index);
}

int ShapeBuilder::widthOf(int group) const { return out_.width_groups[group].width; }

int ShapeBuilder::push(NetworkOp op) {
  op.out_c = c_;
  op.out_h = h_;
  op.out_w = w_;
  out_.ops.push_back(std::move(op));
  return lastOp();
}

void ShapeBuilder::spatialCheck(const std::string& what, int out_h, int out_w) const {
  if (out_h >= 1 && out_w >= 1) return;
  throw ConfigError("network input " + std::to_string(spec_.in_channels) + "x" +
                    std::to_string(spec_.in_height) + "x" + std::to_string(spec_.in_width) +
                    " is too small for " + spec_.model + ": " + what + " would output " +
                    std::to_string(std::max(out_h, 0)) + "x" + std::to_string(std::max(out_w, 0)));
}

int ShapeBuilder::conv(const std::string& name, int group, int kernel, int stride, int padding) {
  LayerShape l;
  l.name = name;
  l.kind = LayerKind::kConv;
  l.kh = l.kw = kernel;
  l.cin = c_;
  l.cout = widthOf(group);
  l.stride = stride;
  l.padding = padding;
  l.in_h = h_;
  l.in_w = w_;
  l.out_h = (h_ + 2 * padding - kernel) / stride + 1;
  l.out_w = (w_ + 2 * padding - kernel) / stride + 1;
  if (h_ + 2 * padding < kernel) l.out_h = 0;  // integer division rounds toward zero
  if (w_ + 2 * padding < kernel) l.out_w = 0;
  spatialCheck(name + " (" + std::to_string(kernel) + "x" + std::to_string(kernel) + ", stride " +
                   std::to_string(stride) + ", padding " + std::to_string(padding) + ")",
               l.out_h, l.out_w);
  l.width_group = group;
  l.input_group = current_group_;
  out_.width_groups[group].layers.push_back(static_cast<int>(out_.layers.size()));
  out_.layers.push_back(l);

  c_ = l.cout;
  h_ = l.out_h;
  w_ = l.out_w;
  current_group_ = group;
  NetworkOp op;
  op.kind = OpKind::kConv;
  op.name = name;
  op.layer = static_cast<int>(out_.layers.size()) - 1;
  return push(std::move(op));
}

int ShapeBuilder::batchNorm(const std::string& name) {
  NetworkOp op;
  op.kind = OpKind::kBatchNorm;
  op.name = name;
  return push(std::move(op));
}

int ShapeBuilder::relu() {
  NetworkOp op;
  op.kind = OpKind::kRelu;
  return push(std::move(op));
}

int ShapeBuilder::maxPool(int kernel, int stride) {
  const int oh = h_ >= kernel ? (h_ - kernel) / stride + 1 : 0;
  const int ow = w_ >= kernel ? (w_ - kernel) / stride + 1 : 0;
  spatialCheck("maxpool " + std::to_string(kernel) + " after " + out_.layers.back().name, oh, ow);
  h_ = oh;
  w_ = ow;
  NetworkOp op;
  op.kind = OpKind::kMaxPool;
  op.kernel = kernel;
  op.stride = stride;
  return push(std::move(op));
}

int ShapeBuilder::residualAdd(int from_op, int stride) {
  NetworkOp op;
  op.kind = OpKind::kResidualAdd;
  op.from = from_op;
  op.stride = stride;
  return push(std::move(op));
}

int ShapeBuilder::globalAvgPool() {
  h_ = w_ = 1;
  NetworkOp op;
  op.kind = OpKind::kAvgPool;
  return push(std::move(op));
}

int ShapeBuilder::flatten() {
  c_ = c_ * h_ * w_;
  h_ = w_ = 1;
  NetworkOp op;
  op.kind = OpKind::kFlatten;
  return push(std::move(op));
}

int ShapeBuilder::linear(const std::string& name, int group, int fixed_width, bool bias) {
  LayerShape l;
  l.name = name;
  l.kind = LayerKind::kLinear;
  l.cin = c_;
  l.cout = group >= 0 ? widthOf(group) : fixed_width;
  l.bias = bias;
  l.width_group = group;
  l.input_group = current_group_;
  if (group >= 0) out_.width_groups[group].layers.push_back(static_cast<int>(out_.layers.size()));
  out_.layers.push_back(l);
  c_ = l.cout;
  current_group_ = group;
  NetworkOp op;
  op.kind = OpKind::kLinear;
  op.name = name;
  op.layer = static_cast<int>(out_.layers.size()) - 1;
  return push(std::move(op));
}

void ShapeBuilder::finish() {
  if (!spec_.widths.empty() && spec_.widths.size() != out_.width_groups.size()) {
    std::string names;
    for (const auto& g : out_.width_groups) names += (names.empty() ? "" : ", ") + g.name;
    throw ConfigError("network widths has " + std::to_string(spec_.widths.size()) + " entries; " +
                      spec_.model + " takes " + std::to_string(out_.width_groups.size()) +
                      " (one per width group: " + names + ")");
  }
  out_.params = 0;
  out_.weights = 0;
  for (const auto& l : out_.layers) {
    out_.params += l.params();
    out_.weights += l.weights();
  }
  for (const auto& op : out_.ops) {
    if (op.kind == OpKind::kBatchNorm) out_.params += 2 * static_cast<std::int64_t>(op.out_c);
  }
}

}  // namespace cimscope
