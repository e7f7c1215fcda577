#pragma once

#include "engine/data/dataset.h"
#include "engine/nn/cim_layer.h"
#include "engine/nn/network_model.h"

namespace cimscope {

// Runs `batches` training batches (stored order, no augmentation, eval mode, no gradients)
// through `model` in `mode`, each with `request` pending (CalibrationRequest::batch its index),
// so every quantized layer initialises the requested steps from what it sees: weight steps from
// the weights, activation and ADC steps as the mean of the per-batch steps. Restores the model's
// mode and training flag. Torch-level.
void calibrateSteps(NetworkModelImpl& model, const Dataset& data, LayerMode mode,
                    const CalibrationRequest& request, int batches, std::int64_t batch_size);

// Weights stored, bits stored (weight_bits for quantized layers, 32 for float ones).
struct StoredWeights {
  std::int64_t weights = 0;
  std::int64_t bits = 0;
};
StoredWeights storedWeights(const NetworkModelImpl& model);

}  // namespace cimscope
