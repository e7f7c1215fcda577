#include "engine/adapt/train_config.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"

namespace cimscope {

namespace {

template <typename T>
void range(const char* field, T v, T lo, T hi) {
  if (!(v >= lo && v <= hi)) {
    throw ConfigError(std::string("train.") + field + " = " + std::to_string(v) +
                      " is out of range (expected " + std::to_string(lo) + ".." +
                      std::to_string(hi) + ")");
  }
}

}  // namespace

void TrainConfig::validate() const {
  range("epochs", epochs, 0, 10000);
  range<std::int64_t>("batch_size", batch_size, 1, 65536);
  if (optimizer != "sgd" && optimizer != "adam") {
    throw ConfigError("train.optimizer = '" + optimizer + "' is unknown (expected sgd or adam)");
  }
  range("lr", lr, 1e-8, 10.0);
  range("momentum", momentum, 0.0, 0.999);
  range("weight_decay", weight_decay, 0.0, 1.0);
  if (schedule != "cosine" && schedule != "step" && schedule != "constant") {
    throw ConfigError("train.schedule = '" + schedule +
                      "' is unknown (expected cosine, step or constant)");
  }
  range("warmup_epochs", warmup_epochs, 0.0, 1000.0);
  range("step_epochs", step_epochs, 1, 10000);
  range("step_gamma", step_gamma, 1e-6, 1.0);
  range("label_smoothing", label_smoothing, 0.0, 0.99);
  range("threads", threads, 0, 1024);
  range<std::int64_t>("eval_batch_size", eval_batch_size, 1, 65536);
}

double TrainConfig::learningRate(std::int64_t step, std::int64_t steps_per_epoch) const {
  const double spe = static_cast<double>(std::max<std::int64_t>(1, steps_per_epoch));
  const double warm = warmup_epochs * spe;
  const double t = static_cast<double>(step);
  if (t < warm) return lr * (0.01 + 0.99 * t / warm);
  if (schedule == "constant") return lr;
  if (schedule == "step") {
    const auto k = static_cast<int>(std::floor(t / spe / step_epochs));
    return lr * std::pow(step_gamma, k);
  }
  const double total = std::max(1.0, epochs * spe - warm);
  const double progress = std::min(1.0, (t - warm) / total);
  return lr * 0.5 * (1.0 + std::cos(M_PI * progress));
}

nlohmann::json TrainConfig::toJson() const {
  return {{"epochs", epochs},           {"batch_size", batch_size},
          {"optimizer", optimizer},     {"lr", lr},
          {"momentum", momentum},       {"nesterov", nesterov},
          {"weight_decay", weight_decay}, {"schedule", schedule},
          {"warmup_epochs", warmup_epochs}, {"step_epochs", step_epochs},
          {"step_gamma", step_gamma},   {"label_smoothing", label_smoothing},
          {"augment", augment},         {"seed", seed},
          {"threads", threads},         {"eval_batch_size", eval_batch_size}};
}

TrainConfig TrainConfig::fromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw ConfigError(where + ": train must be a JSON object");
  TrainConfig c;
  for (const auto& [key, v] : j.items()) {
    try {
      if (key == "epochs") c.epochs = v.get<int>();
      else if (key == "batch_size") c.batch_size = v.get<std::int64_t>();
      else if (key == "optimizer") c.optimizer = v.get<std::string>();
      else if (key == "lr") c.lr = v.get<double>();
      else if (key == "momentum") c.momentum = v.get<double>();
      else if (key == "nesterov") c.nesterov = v.get<bool>();
      else if (key == "weight_decay") c.weight_decay = v.get<double>();
      else if (key == "schedule") c.schedule = v.get<std::string>();
      else if (key == "warmup_epochs") c.warmup_epochs = v.get<double>();
      else if (key == "step_epochs") c.step_epochs = v.get<int>();
      else if (key == "step_gamma") c.step_gamma = v.get<double>();
      else if (key == "label_smoothing") c.label_smoothing = v.get<double>();
      else if (key == "augment") c.augment = v.get<bool>();
      else if (key == "seed") c.seed = v.get<std::uint64_t>();
      else if (key == "threads") c.threads = v.get<int>();
      else if (key == "eval_batch_size") c.eval_batch_size = v.get<std::int64_t>();
      else throw ConfigError(where + ": train has unknown key '" + key + "'");
    } catch (const nlohmann::json::exception&) {
      throw ConfigError(where + ": train." + key + " has the wrong type");
    }
  }
  c.validate();
  return c;
}

}  // namespace cimscope
