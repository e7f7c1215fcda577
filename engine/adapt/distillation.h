#pragma once

#include <string>

#include "engine/adapt/train_loop.h"
#include "engine/nn/network_model.h"

namespace cimscope {

// Knowledge distillation (Hinton et al., 2015) for Stage 1's fine-tune and Stage 2: the
// soft-target term
//   T^2 * mean over the batch of KL(softmax(teacher / T) || softmax(student / T)),
// whose gradient with respect to the student's logits is T * (p_student - p_teacher) / batch.
// The teacher's logits carry no gradient. Torch-level.
torch::Tensor distillationLoss(const torch::Tensor& student_logits,
                               const torch::Tensor& teacher_logits, double temperature);

// The loss minimised with a teacher: (1 - weight) * cross_entropy + weight *
// distillationLoss(student, teacher, temperature).
torch::Tensor distilledObjective(const torch::Tensor& cross_entropy,
                                 const torch::Tensor& student_logits,
                                 const torch::Tensor& teacher_logits, double weight,
                                 double temperature);

// The teacher of a distillation: loads `path` and checks that it fits `data` (ConfigError
// "<field> PATH: ..." otherwise); returned in eval mode.
NetworkModel loadTeacher(const std::string& path, const Dataset& data, const std::string& field);

// A TrainHooks::loss that distils from `teacher` (its logits computed without gradients on the
// very images the student saw): distilledObjective(cross_entropy, logits, teacher(images), ...).
decltype(TrainHooks::loss) distillationHook(NetworkModel teacher, double weight,
                                            double temperature);

}  // namespace cimscope
