#include "engine/adapt/qat.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/adapt/distill_config.h"
#include "engine/adapt/distillation.h"
#include "engine/adapt/qat_calibration.h"
#include "engine/adapt/train_loop.h"
#include "engine/common/errors.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/cim/macro_spec_json.h"
#include "engine/nn/quant_setup.h"
#include "engine/store/checkpoint.h"

namespace cimscope {

std::optional<QuantConfig> checkpointQuantConfig(const std::string& checkpoint) {
  return quantConfigFromTrainingConfig(readCheckpointHeader(checkpoint).training_config_json,
                                       checkpoint);
}

namespace {

std::optional<MacroSpec> morphMacroOf(const std::string& training_config_json,
                                      const std::string& where) {
  const nlohmann::json j =
      nlohmann::json::parse(training_config_json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("morph") || !j["morph"].is_object() ||
      !j["morph"].contains("macro")) {
    return std::nullopt;
  }
  return macroSpecFromJson(j["morph"]["macro"], where + " (training_config morph.macro)");
}

}  // namespace

std::optional<MacroSpec> checkpointMorphMacro(const std::string& checkpoint) {
  return morphMacroOf(readCheckpointHeader(checkpoint).training_config_json, checkpoint);
}

std::optional<MacroSpec> adaptedMacro(const std::string& training_config_json,
                                      const std::string& where) {
  if (const auto quant = quantConfigFromTrainingConfig(training_config_json, where)) {
    return quant->macro;
  }
  return morphMacroOf(training_config_json, where);
}

TrainConfig QatJob::defaultTrainConfig() {
  TrainConfig c;
  c.epochs = 5;
  c.lr = 0.01;
  c.warmup_epochs = 0;
  c.weight_decay = 1e-4;
  return c;
}

void QatJob::validate() const {
  if (in_checkpoint.empty()) throw ConfigError("qat: in_checkpoint must be given");
  quant.validate();
  train.validate();
  if (calibration_batches < 1 || calibration_batches > 100) {
    throw ConfigError("qat.calibration_batches = " + std::to_string(calibration_batches) +
                      " is out of range 1..100");
  }
  if (step_init != "lsq" && step_init != "mse") {
    throw ConfigError("qat.step_init = '" + step_init + "', expected 'lsq' or 'mse'");
  }
  DistillConfig{teacher_checkpoint, distill_weight, distill_temperature}.validate("qat");
}

namespace {

// The part of a Stage 2 training_config that names the job: everything but the accuracies
// measured along the way.
nlohmann::json qatIdentity(nlohmann::json config) {
  if (config.contains("qat")) {
    for (const char* k : {"float_accuracy", "calibrated_accuracy", "quantized_accuracy",
                          "cim_accuracy", "teacher_accuracy"}) {
      config["qat"].erase(k);
    }
  }
  return config;
}

// The epochs an earlier run of the job with this identity completed in `path`, or 0.
std::int64_t resumableQatEpochs(const std::string& path, const nlohmann::json& identity,
                                int epochs) {
  if (!std::filesystem::exists(path)) return 0;
  try {
    const CheckpointData ck = readCheckpointHeader(path);
    if (ck.stage != "stage2" || ck.epochs_completed < 1 || ck.epochs_completed > epochs) return 0;
    if (qatIdentity(nlohmann::json::parse(ck.training_config_json)) != identity) return 0;
    return ck.epochs_completed;
  } catch (const Error&) {
    return 0;
  } catch (const nlohmann::json::exception&) {
    return 0;
  }
}

}  // namespace

QatResult runQat(const QatJob& job, const Dataset& data, TrainObserver& observer) {
  job.validate();
  LoadedModel loaded = loadModel(job.in_checkpoint);
  checkNetworkMatchesData(loaded.spec, data);
  QatResult r;
  r.source_accuracy = evaluateModel(*loaded.model, data, job.train.eval_batch_size).accuracy;

  QuantConfig qc = job.quant;
  qc.mode = job.adc_aware ? LayerMode::kCim : LayerMode::kQuantized;
  // A Stage 2 input keeps its learned steps where they still fit; a float one starts at 1.
  const bool had_steps = loaded.quant.has_value();
  double source_float = r.source_accuracy;
  if (had_steps) {
    // Carry the float baseline's accuracy along from the Stage 2 input, where recorded.
    try {
      auto j = nlohmann::json::parse(loaded.file.training_config_json);
      if (j.contains("qat") && j["qat"].contains("float_accuracy")) {
        source_float = j["qat"]["float_accuracy"].get<double>();
      }
    } catch (const nlohmann::json::exception&) {
    }
  }
  nlohmann::json config = {{"train", job.train.toJson()},
                           {"dataset",
                            {{"name", job.dataset_name},
                             {"subset_train", job.subset_train},
                             {"subset_test", job.subset_test}}},
                           {"quantization", qc.toJson()},
                           {"qat",
                            {{"adc_aware", job.adc_aware},
                             {"source_checkpoint", job.in_checkpoint},
                             {"source_stage", loaded.file.stage},
                             {"float_accuracy", source_float},
                             {"calibration_batches", job.calibration_batches},
                             {"step_init", job.step_init}}}};
  TrainHooks hooks;
  NetworkModel teacher{nullptr};
  if (!job.teacher_checkpoint.empty()) {
    teacher = loadTeacher(job.teacher_checkpoint, data, "qat.teacher");
    r.teacher_accuracy = evaluateModel(*teacher, data, job.train.eval_batch_size).accuracy;
    config["qat"]["distillation"] =
        DistillConfig{job.teacher_checkpoint, job.distill_weight, job.distill_temperature}.toJson();
    config["qat"]["teacher_accuracy"] = r.teacher_accuracy;
    hooks.loss = distillationHook(teacher, job.distill_weight, job.distill_temperature);
  }
  NetworkModel model = loaded.model;
  const std::int64_t prior_epochs =
      job.resume && !job.out_checkpoint.empty()
          ? resumableQatEpochs(job.out_checkpoint, qatIdentity(config), job.train.epochs)
          : 0;
  if (prior_epochs > 0) {
    // Continue the earlier run: its weights and learned steps, in its training mode.
    LoadedModel prior = loadModel(job.out_checkpoint);
    model = prior.model;
    hooks.prior_curve = prior.file.curve;
    r.resumed_epochs = static_cast<int>(prior_epochs);
    const auto pj = nlohmann::json::parse(prior.file.training_config_json);
    r.calibrated_accuracy = pj["qat"].value("calibrated_accuracy", 0.0);
  } else {
    // A Stage 2 input trained ADC-aware for the very same ADC (bits, array, wordline groups,
    // step granularity) keeps its learned ADC steps too: training it further continues it.
    const bool same_adc =
        had_steps && loaded.quant->mode == LayerMode::kCim &&
        loaded.quant->macro.adc_bits == qc.macro.adc_bits &&
        loaded.quant->macro.active_wordlines == qc.macro.active_wordlines &&
        loaded.quant->macro.rows == qc.macro.rows && loaded.quant->macro.cols == qc.macro.cols &&
        loaded.quant->macro.row_split == qc.macro.row_split &&
        loaded.quant->per_column_adc == qc.per_column_adc;
    configureQuantization(*model, qc);
    CalibrationRequest req;
    req.activations = !had_steps;
    req.weights = !had_steps;
    req.adc = !same_adc;
    req.adc_mse = job.step_init == "mse";
    req.mse = job.step_init == "mse";
    calibrateSteps(*model, data, LayerMode::kCim, req, job.calibration_batches,
                   job.train.batch_size);
    model->setMode(qc.mode);
    if (had_steps) {
      r.warnings.push_back(job.in_checkpoint + " is already quantized: its weight and activation " +
                           (same_adc ? std::string("steps and its ADC steps (same ADC) are kept")
                                     : std::string("steps are kept, ADC steps recalibrated")));
    }
    r.calibrated_accuracy = evaluateModel(*model, data, job.train.eval_batch_size).accuracy;
  }
  config["qat"]["calibrated_accuracy"] = r.calibrated_accuracy;
  hooks.after_step = [](NetworkModelImpl& m) { clampQuantizerSteps(m); };
  if (!job.out_checkpoint.empty()) {
    hooks.on_epoch_end = [&](NetworkModelImpl& m, const TrainingCurve& curve, int epoch) {
      saveModel(job.out_checkpoint, m, loaded.spec, "stage2", config.dump(), curve, epoch);
    };
  }
  r.train = trainModel(*model, data, job.train, observer, hooks);

  model->setMode(LayerMode::kQuantized);
  r.quantized_eval = evaluateModel(*model, data, job.train.eval_batch_size);
  if (!job.adc_aware) {
    // The ADC-unaware model meets the ADC only now: calibrate its steps (no retraining).
    calibrateSteps(*model, data, LayerMode::kCim, {false, false, true, true},
                   job.calibration_batches, job.train.batch_size);
  }
  model->setMode(LayerMode::kCim);
  r.cim_eval = evaluateModel(*model, data, job.train.eval_batch_size);
  model->setMode(qc.mode);
  if (!job.out_checkpoint.empty() && r.train.epochs_completed > 0 &&
      r.train.status == TrainResult::Status::kCompleted) {
    config["qat"]["quantized_accuracy"] = r.quantized_eval.accuracy;
    config["qat"]["cim_accuracy"] = r.cim_eval.accuracy;
    saveModel(job.out_checkpoint, *model, loaded.spec, "stage2", config.dump(), r.train.curve,
              r.train.epochs_completed);
  }
  const StoredWeights sw = storedWeights(*model);
  r.weights = sw.weights;
  r.stored_weight_bits = sw.bits;
  r.compression = sw.weights ? 1.0 - static_cast<double>(sw.bits) / (32.0 * sw.weights) : 0;
  r.warnings.insert(r.warnings.end(), r.train.warnings.begin(), r.train.warnings.end());
  return r;
}

}  // namespace cimscope
