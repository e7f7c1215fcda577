#include "engine/adapt/distillation.h"

#include "engine/common/errors.h"
#include "engine/nn/model_checkpoint.h"

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

NetworkModel loadTeacher(const std::string& path, const Dataset& data, const std::string& field) {
  LoadedModel t = loadModel(path);
  try {
    checkNetworkMatchesData(t.spec, data);
  } catch (const ConfigError& e) {
    throw ConfigError(field + " " + path + ": " + e.what());
  }
  t.model->eval();
  return t.model;
}

decltype(TrainHooks::loss) distillationHook(NetworkModel teacher, double weight,
                                            double temperature) {
  return [teacher, weight, temperature](const torch::Tensor& images, const torch::Tensor& logits,
                                        const torch::Tensor& cross_entropy) mutable {
    torch::Tensor teacher_logits;
    {
      torch::NoGradGuard guard;
      teacher->eval();  // evaluating it elsewhere may have left it in another mode
      teacher_logits = teacher->forward(images);
    }
    return distilledObjective(cross_entropy, logits, teacher_logits, weight, temperature);
  };
}

}  // namespace cimscope
