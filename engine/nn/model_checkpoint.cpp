#include "engine/nn/model_checkpoint.h"

#include <nlohmann/json.hpp>

#include "engine/common/errors.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/spec_json.h"

namespace cimscope {

LoadedModel loadModel(const std::string& path) {
  LoadedModel out;
  out.file = readCheckpoint(path);
  try {
    out.spec = networkSpecFromJson(nlohmann::json::parse(out.file.network_spec_json), path);
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(path + ": network_spec attribute is not valid JSON: " + e.what());
  } catch (const ConfigError& e) {
    throw StoreError(path + ": network_spec is not valid: " + e.what());
  }
  out.model = buildModel(buildNetworkShape(out.spec), 1);
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
