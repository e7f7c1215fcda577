#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace cimscope {

// Knowledge distillation from a teacher checkpoint (engine/adapt/distillation.h): the training
// loss becomes (1 - weight) * cross-entropy + weight * T^2 * KL(teacher || student) at
// temperature T. Used by Stage 1's fine-tune (MorphConfig) and Stage 2 (QatJob). Torch-free.
struct DistillConfig {
  std::string teacher;       // checkpoint path; "" = no distillation
  double weight = 0.5;       // 0 < w <= 1
  double temperature = 4.0;  // 0 < T <= 100

  bool enabled() const { return !teacher.empty(); }
  // With a teacher: validateRanges, then ConfigError "<owner>.teacher: PATH: no such file".
  void validate(const std::string& owner) const;
  // ConfigError "<owner>.distill_weight = ..." / "<owner>.distill_temperature = ..." when out of
  // range, teacher or not (a configuration whose teacher is filled in later).
  void validateRanges(const std::string& owner) const;
  nlohmann::json toJson() const;  // {"teacher", "weight", "temperature"}
};

}  // namespace cimscope
