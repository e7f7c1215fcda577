#include "engine/adapt/resource_regularizer.h"

#include "engine/adapt/importance.h"
#include "engine/common/errors.h"

namespace cimscope {

ResourceRegularizer::ResourceRegularizer(const NetworkShape& shape)
    : coefficient_(shape.layers.size(), 0.0) {
  // Every weight layer has a batch norm except those without a width group (the classifier);
  // see network_templates.cpp.
  std::vector<int> bn_layers(shape.width_groups.size(), 0);
  for (const auto& l : shape.layers) {
    if (l.width_group >= 0) ++bn_layers[static_cast<std::size_t>(l.width_group)];
  }
  std::vector<double> reader_k(shape.width_groups.size(), 0.0);
  for (std::size_t i = 0; i < shape.layers.size(); ++i) {
    const LayerShape& l = shape.layers[i];
    const double k = rowsPerInputChannel(shape, static_cast<int>(i));
    if (l.width_group >= 0) coefficient_[i] += k;  // the layer's own output channels
    if (l.input_group >= 0) reader_k[static_cast<std::size_t>(l.input_group)] += k;
  }
  for (std::size_t i = 0; i < shape.layers.size(); ++i) {
    const int g = shape.layers[i].width_group;
    if (g >= 0) coefficient_[i] += reader_k[static_cast<std::size_t>(g)] / bn_layers[g];
  }
}

torch::Tensor ResourceRegularizer::operator()(const std::vector<torch::Tensor>& gamma) const {
  if (gamma.size() != coefficient_.size()) {
    throw ConfigError("regularizer: " + std::to_string(gamma.size()) + " gamma tensors for " +
                      std::to_string(coefficient_.size()) + " layers");
  }
  torch::Tensor r;
  for (std::size_t i = 0; i < gamma.size(); ++i) {
    if (!gamma[i].defined() || coefficient_[i] == 0) continue;
    torch::Tensor term = gamma[i].abs().sum() * coefficient_[i];
    r = r.defined() ? r + term : term;
  }
  return r.defined() ? r : torch::zeros({});
}

torch::Tensor ResourceRegularizer::operator()(const NetworkModelImpl& model) const {
  std::vector<torch::Tensor> g;
  for (std::size_t i = 0; i < model.layers().size(); ++i) g.push_back(model.bnWeight(static_cast<int>(i)));
  return (*this)(g);
}

}  // namespace cimscope
