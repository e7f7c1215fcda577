#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/adapt/train_config.h"
#include "engine/adapt/train_observer.h"
#include "engine/adapt/trainer.h"
#include "engine/data/dataset.h"
#include "engine/nn/quant_config.h"

namespace cimscope {

// Stage 2 quantization-aware training (DESIGN.md section 1): config in, result out. Torch-free.
struct QatJob {
  std::string in_checkpoint;   // float, Stage 1 or Stage 2 checkpoint
  std::string out_checkpoint;  // written atomically after every epoch ("" = none)
  QuantConfig quant;           // macro (bits, A, R, row split) and options; mode is set below
  bool adc_aware = true;       // partial sums through the ADC in training (mode cim), else
                               // weights and activations only (mode quantized)
  TrainConfig train = defaultTrainConfig();  // QAT fine-tuning schedule
  int calibration_batches = 1;  // training batches that initialise the LSQ steps, 1..100
  // How the steps start: "lsq" (the paper's 2 mean|v| / sqrt(Qp) for weights and activations,
  // the same rule on the partial sums for the ADC) or "mse" (each step minimises its
  // quantizer's mean squared error on what it sees: mseInitialStep).
  std::string step_init = "lsq";
  // Distillation from a teacher checkpoint ("" = none): the loss becomes
  // (1 - distill_weight) * cross-entropy + distill_weight * T^2 * KL(teacher || student) at
  // temperature T = distill_temperature (engine/adapt/distillation.h). The teacher is usually
  // the float baseline; it runs in its own mode, eval, without gradients.
  std::string teacher_checkpoint;
  double distill_weight = 0.5;       // 0 < w <= 1
  double distill_temperature = 4.0;  // 0 < T <= 100
  // With an out_checkpoint of this same job (same input, quantization, training and data) that
  // stopped early (cancelled, killed), continue after its last completed epoch with its weights
  // and learned steps instead of starting over (no recalibration; momentum starts afresh).
  bool resume = false;
  // What the data was, recorded in the checkpoint's training_config.
  std::string dataset_name;
  std::int64_t subset_train = 0, subset_test = 0;

  // Fine-tuning defaults: 5 epochs, SGD lr 0.01 cosine, no warm-up, weight decay 1e-4.
  static TrainConfig defaultTrainConfig();
  void validate() const;  // ConfigError naming the field
};

struct QatResult {
  TrainResult train;             // the fine-tuning run (final_eval in the training mode)
  int resumed_epochs = 0;        // epochs taken over from an earlier run of this job (resume)
  double source_accuracy = 0;    // the input checkpoint in its own mode, test split
  double teacher_accuracy = 0;   // the teacher in its own mode, test split (0 without one)
  double calibrated_accuracy = 0;  // after step initialisation, before training
  EvalResult quantized_eval;     // final weights/activations-only accuracy (no ADC)
  EvalResult cim_eval;           // final accuracy with partial sums through the ADC; for an
                                 // ADC-unaware run with ADC steps calibrated after training
  std::int64_t weights = 0;            // weights stored in macros
  std::int64_t stored_weight_bits = 0;  // sum of weights * weight_bits (excluded layers: 32)
  double compression = 0;  // 1 - stored_weight_bits / (32 * weights), vs float32 of this network
  std::vector<std::string> warnings;
};

// Loads in_checkpoint, configures LSQ for the macro, initialises the steps from
// calibration_batches training batches, fine-tunes with trainModel, writes out_checkpoint
// (stage "stage2", quantization recorded; docs/hdf5-schema.md "Stage 2"). Same error and
// cancellation contract as trainNetwork.
QatResult runQat(const QatJob& job, const Dataset& data, TrainObserver& observer);

// The quantization a Stage 2 checkpoint records (nullopt for a float / Stage 1 one).
std::optional<QuantConfig> checkpointQuantConfig(const std::string& checkpoint);

// The macro a Stage 1 checkpoint was adapted to (its training_config's morph.macro; nullopt for
// any other checkpoint). Stage 2 defaults to it, so the quantized network keeps the Stage 1
// packing and array. Throws ConfigError naming the file when the recorded macro is invalid.
std::optional<MacroSpec> checkpointMorphMacro(const std::string& checkpoint);

// The macro a checkpoint's training_config (its text, `where` naming it in errors) says the
// network was adapted to: a Stage 2 checkpoint's quantization macro, else a Stage 1 one's
// morph.macro; nullopt for a float checkpoint.
std::optional<MacroSpec> adaptedMacro(const std::string& training_config_json,
                                      const std::string& where);

}  // namespace cimscope
