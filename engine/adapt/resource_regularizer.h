#pragma once

#include <torch/torch.h>

#include <vector>

#include "engine/nn/network_model.h"
#include "engine/nn/spec/network_shape.h"

namespace cimscope {

// Stage 1's resource-weighted L1 on batch-norm scales (DESIGN.md section 1, Stage 1 step 2):
//   R = sum over weight layers L of k_L * ( sum_i |gamma_L,i| + sum_j |gamma_in(L),j| )
// with k_L = kh*kw (for a linear layer after flatten: the spatial positions one input channel
// spans, i.e. the rows it occupies). gamma_L are the scales of the batch norm after L (absent for
// the classifier); gamma_in(L) are those of L's input width group: for a residual stage group,
// which lives in several batch norms, the mean of |gamma| over them (for a plain group this is
// exactly the reference formula). Collected per batch norm, R = sum_l c_l * sum_i |gamma_l,i|;
// coefficient(l) gives c_l. Torch-level header.
class ResourceRegularizer {
 public:
  explicit ResourceRegularizer(const NetworkShape& shape);

  // R for gammas per weight layer (undefined tensors where a layer has no batch norm).
  torch::Tensor operator()(const std::vector<torch::Tensor>& gamma) const;
  // R of the model's current batch-norm scales (differentiable in them).
  torch::Tensor operator()(const NetworkModelImpl& model) const;

  double coefficient(int layer) const { return coefficient_.at(static_cast<std::size_t>(layer)); }
  const std::vector<double>& coefficients() const { return coefficient_; }

 private:
  std::vector<double> coefficient_;  // per weight layer; 0 without batch norm
};

}  // namespace cimscope
