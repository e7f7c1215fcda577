#include "engine/adapt/distillation.h"

namespace cimscope {

torch::Tensor distillationLoss(const torch::Tensor& student_logits,
                               const torch::Tensor& teacher_logits, double temperature) {
  const torch::Tensor log_ps = torch::log_softmax(student_logits / temperature, 1);
  const torch::Tensor log_pt = torch::log_softmax(teacher_logits.detach() / temperature, 1);
  const torch::Tensor kl = (log_pt.exp() * (log_pt - log_ps)).sum(1).mean();
  return kl * (temperature * temperature);
}

torch::Tensor distilledObjective(const torch::Tensor& cross_entropy,
                                 const torch::Tensor& student_logits,
                                 const torch::Tensor& teacher_logits, double weight,
                                 double temperature) {
  return cross_entropy * (1.0 - weight) +
         distillationLoss(student_logits, teacher_logits, temperature) * weight;
}

}  // namespace cimscope
