#include "engine/adapt/distill_config.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"

namespace cimscope {

void DistillConfig::validate(const std::string& owner) const {
  if (!enabled()) return;
  validateRanges(owner);
  if (!std::filesystem::exists(teacher)) {
    throw ConfigError(owner + ".teacher: " + teacher + ": no such file");
  }
}

void DistillConfig::validateRanges(const std::string& owner) const {
  if (!(weight > 0 && weight <= 1)) {
    throw ConfigError(owner + ".distill_weight = " + std::to_string(weight) +
                      " is out of range (0, 1]");
  }
  if (!(temperature > 0 && temperature <= 100)) {
    throw ConfigError(owner + ".distill_temperature = " + std::to_string(temperature) +
                      " is out of range (0, 100]");
  }
}

nlohmann::json DistillConfig::toJson() const {
  return {{"teacher", teacher}, {"weight", weight}, {"temperature", temperature}};
}

}  // namespace cimscope
