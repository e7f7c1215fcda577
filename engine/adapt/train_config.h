#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace cimscope {

// How to train (float baseline, Stage 1 fine-tuning, Stage 2 QAT all use it). Torch-free.
struct TrainConfig {
  int epochs = 10;                  // passes over the training split, 1..10000
  std::int64_t batch_size = 128;    // samples per step
  std::string optimizer = "sgd";    // "sgd" (momentum) or "adam"
  double lr = 0.1;                  // peak learning rate (after warm-up)
  double momentum = 0.9;            // SGD momentum, 0..<1
  bool nesterov = true;             // Nesterov momentum (SGD)
  double weight_decay = 5e-4;       // L2 on every parameter, >= 0
  std::string schedule = "cosine";  // "cosine", "step" or "constant", per step after warm-up
  double warmup_epochs = 1;         // linear warm-up from lr/100, in epochs (fractions allowed)
  int step_epochs = 30;             // "step": multiply by step_gamma every step_epochs epochs
  double step_gamma = 0.1;          // "step": factor
  double label_smoothing = 0.0;     // cross-entropy label smoothing, 0..<1
  bool augment = true;              // random crop (+ flip where the data set allows it)
  std::uint64_t seed = 1;           // initialization, order, augmentation
  int threads = 0;                  // torch intra-op threads; 0 = all cores
  std::int64_t eval_batch_size = 500;  // samples per evaluation step

  void validate() const;  // ConfigError naming "train.<field>"
  // Learning rate at global step `step` (0-based) of `steps_per_epoch * epochs`.
  double learningRate(std::int64_t step, std::int64_t steps_per_epoch) const;

  nlohmann::json toJson() const;
  // Unknown keys and wrong types are ConfigErrors naming `where` and the key.
  static TrainConfig fromJson(const nlohmann::json& j, const std::string& where);
};

}  // namespace cimscope
