#pragma once

#include <optional>
#include <string>

#include "engine/nn/network_model.h"
#include "engine/nn/quant_config.h"
#include "engine/nn/spec/network_spec.h"
#include "engine/store/checkpoint.h"

namespace cimscope {

// A network read back from a checkpoint, with what the file says about it.
struct LoadedModel {
  NetworkModel model{nullptr};
  NetworkSpec spec;
  CheckpointData file;              // everything else the file holds (tensors included)
  std::optional<QuantConfig> quant;  // a Stage 2 checkpoint's quantization (training_config)
};

// Reads a checkpoint and builds its network. A checkpoint whose training_config holds
// "quantization" (docs/hdf5-schema.md "Stage 2") comes back configured, with its steps and in
// its recorded mode, so evaluating it runs the fake-quantized forward. StoreError names the
// file and the problem: not ours, truncated, bad spec JSON, a tensor missing or of another
// shape than the spec gives.
LoadedModel loadModel(const std::string& path);

// Writes `model` with `spec` as a checkpoint (atomically; docs/hdf5-schema.md).
// `training_config_json` is stored as given.
void saveModel(const std::string& path, NetworkModelImpl& model, const NetworkSpec& spec,
               const std::string& stage, const std::string& training_config_json,
               const TrainingCurve& curve, std::int64_t epochs_completed);

// The quantization recorded in a checkpoint's training_config JSON text, if any.
std::optional<QuantConfig> quantConfigFromTrainingConfig(const std::string& training_config_json,
                                                         const std::string& source);

}  // namespace cimscope
