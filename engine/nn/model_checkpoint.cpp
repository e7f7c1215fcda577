#include "engine/nn/model_checkpoint.h"

#include <nlohmann/json.hpp>

#include "engine/common/errors.h"
#include "engine/nn/quant_setup.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/spec_json.h"

namespace cimscope {

std::optional<QuantConfig> quantConfigFromTrainingConfig(const std::string& text,
                                                         const std::string& source) {
  if (text.empty()) return std::nullopt;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // not ours to judge: loadModel only needs the quantization key
  }
  if (!j.is_object() || !j.contains("quantization")) return std::nullopt;
  try {
    return QuantConfig::fromJson(j["quantization"], source + " training_config");
  } catch (const ConfigError& e) {
    throw StoreError(source + ": training_config quantization is not valid: " + e.what());
  }
}

LoadedModel loadModel(const std::string& path) {
  LoadedModel out;
  out.file = readCheckpoint(path);
  out.spec = networkSpecFromCheckpointText(out.file.network_spec_json, path);
  out.model = buildModel(buildNetworkShape(out.spec), 1);
  out.quant = quantConfigFromTrainingConfig(out.file.training_config_json, path);
  if (out.quant) {
    try {
      configureQuantization(*out.model, *out.quant);
    } catch (const ConfigError& e) {
      throw StoreError(path + ": its quantization does not fit its network: " + e.what());
    }
  }
  out.model->loadStateArrays(out.file.tensors, path);
  return out;
}

void saveModel(const std::string& path, NetworkModelImpl& model, const NetworkSpec& spec,
               const std::string& stage, const std::string& training_config_json,
               const TrainingCurve& curve, std::int64_t epochs_completed) {
  CheckpointData ck;
  ck.network_spec_json = networkSpecToJson(spec).dump();
  ck.training_config_json = training_config_json;
  ck.stage = stage;
  ck.epochs_completed = epochs_completed;
  ck.tensors = model.stateArrays();
  ck.curve = curve;
  writeCheckpoint(path, ck);
}

}  // namespace cimscope
