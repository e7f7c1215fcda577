#include "engine/adapt/adc_sweep.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/adapt/qat_calibration.h"
#include "engine/adapt/train_loop.h"
#include "engine/cim/macro_spec_json.h"
#include "engine/common/errors.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/nn/quant_setup.h"
#include "engine/store/h5_file.h"

namespace cimscope {

void AdcSweepJob::validate() const {
  if (in_checkpoint.empty()) throw ConfigError("adc_sweep: in_checkpoint must be given");
  if (adc_bits.empty()) throw ConfigError("adc_sweep.adc_bits must list at least one value");
  for (int b : adc_bits) {
    if (b < 1 || b > 22) {
      throw ConfigError("adc_sweep.adc_bits = " + std::to_string(b) + " is out of range 1..22");
    }
  }
  if (retrain_epochs < 0 || retrain_epochs > 1000) {
    throw ConfigError("adc_sweep.retrain_epochs = " + std::to_string(retrain_epochs) +
                      " is out of range 0..1000");
  }
  if (retrain_epochs > 0) {
    TrainConfig t = retrain;
    t.epochs = retrain_epochs;
    t.validate();
  }
  if (macro) macro->validate();
}

namespace {

// The setup a stored point belongs to; points of another setup are not resumed.
std::string setupKey(const AdcSweepJob& job, const MacroSpec& macro) {
  MacroSpec m = macro;
  m.adc_bits = 0;
  TrainConfig t = job.retrain;
  t.epochs = job.retrain_epochs;
  return nlohmann::json{{"in", job.in_checkpoint},
                        {"macro", macroSpecToJson(m)},
                        {"retrain", t.toJson()},
                        {"calibration_batches", job.calibration_batches},
                        {"dataset", job.dataset_name},
                        {"subset_train", job.subset_train},
                        {"subset_test", job.subset_test}}
      .dump();
}

void writeResults(const std::string& path, const std::string& setup, const AdcSweepResult& r) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    H5File f(tmp, H5File::Mode::kCreate);
    f.setAttribute("/", "format", std::string("cimscope-adc-sweep"));
    f.setAttribute("/", "format_version", static_cast<std::int64_t>(1));
    f.setAttribute("/", "setup", setup);
    f.setAttribute("/", "float_accuracy", r.float_accuracy);
    f.setAttribute("/", "quantized_accuracy", r.quantized_accuracy);
    std::vector<std::int64_t> bits;
    std::vector<double> unaware, aware, seconds;
    for (const auto& p : r.points) {
      bits.push_back(p.adc_bits);
      unaware.push_back(p.unaware_accuracy);
      aware.push_back(p.aware_accuracy);
      seconds.push_back(p.seconds);
    }
    const std::vector<std::int64_t> shape = {static_cast<std::int64_t>(bits.size())};
    f.createGroup("/adc_sweep");
    f.writeInt64("/adc_sweep/adc_bits", shape, bits.data());
    f.writeFloat64("/adc_sweep/unaware_accuracy", shape, unaware.data());
    f.writeFloat64("/adc_sweep/aware_accuracy", shape, aware.data());
    f.writeFloat64("/adc_sweep/seconds", shape, seconds.data());
    f.flush();
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw StoreError(path + ": cannot replace the sweep results file");
  }
}

std::map<int, AdcSweepPoint> readResumable(const std::string& path, const std::string& setup) {
  std::map<int, AdcSweepPoint> out;
  if (access(path.c_str(), F_OK) != 0) return out;
  H5File f(path, H5File::Mode::kRead);
  if (f.stringAttribute("/", "format").value_or("") != "cimscope-adc-sweep" ||
      f.stringAttribute("/", "setup").value_or("") != setup) {
    return out;
  }
  const H5Array bits = f.readArray("/adc_sweep/adc_bits");
  const H5Array un = f.readArray("/adc_sweep/unaware_accuracy");
  const H5Array aw = f.readArray("/adc_sweep/aware_accuracy");
  const H5Array sec = f.readArray("/adc_sweep/seconds");
  for (std::size_t i = 0; i < bits.values.size(); ++i) {
    AdcSweepPoint p;
    p.adc_bits = static_cast<int>(bits.values[i]);
    p.unaware_accuracy = un.values.at(i);
    p.aware_accuracy = aw.values.at(i);
    p.seconds = sec.values.at(i);
    p.resumed = true;
    out[p.adc_bits] = p;
  }
  return out;
}

}  // namespace

AdcSweepResult runAdcSweep(const AdcSweepJob& job, const Dataset& data,
                           AdcSweepObserver& observer) {
  job.validate();
  AdcSweepResult r;
  LoadedModel source = loadModel(job.in_checkpoint);
  checkNetworkMatchesData(source.spec, data);
  QuantConfig base;
  if (source.quant) {
    base = *source.quant;
    try {
      auto j = nlohmann::json::parse(source.file.training_config_json);
      if (j["qat"].value("adc_aware", false)) {
        r.warnings.push_back(job.in_checkpoint + " was trained ADC-aware; curve (a) is meant "
                             "for an ADC-unaware model (qat --adc-aware off)");
      }
      r.float_accuracy = j["qat"].value("float_accuracy", -1.0);
    } catch (const nlohmann::json::exception&) {
    }
  } else {
    r.warnings.push_back(job.in_checkpoint + " is a float checkpoint: curve (a) uses LSQ steps "
                         "calibrated post-training, not an LSQ-trained model");
    r.float_accuracy = evaluateModel(*source.model, data, job.retrain.eval_batch_size).accuracy;
  }
  if (job.macro) base.macro = *job.macro;
  base.mode = LayerMode::kQuantized;
  const std::string setup = setupKey(job, base.macro);
  std::map<int, AdcSweepPoint> done;
  if (job.resume && !job.out_path.empty()) done = readResumable(job.out_path, setup);

  const std::vector<NamedArray> start_state = [&] {
    configureQuantization(*source.model, base);
    if (!source.quant) {
      calibrateSteps(*source.model, data, LayerMode::kQuantized, {true, true, false, false},
                     job.calibration_batches, job.retrain.batch_size);
    }
    return source.model->stateArrays();
  }();
  r.quantized_accuracy =
      evaluateModel(*source.model, data, job.retrain.eval_batch_size).accuracy;

  for (int bits : job.adc_bits) {
    if (auto it = done.find(bits); it != done.end()) {
      r.points.push_back(it->second);
      if (!observer.onPoint(it->second)) {
        r.status = AdcSweepResult::Status::kCancelled;
        break;
      }
      continue;
    }
    const auto t0 = std::chrono::steady_clock::now();
    AdcSweepPoint p;
    p.adc_bits = bits;
    QuantConfig qc = base;
    qc.macro.adc_bits = bits;
    qc.mode = LayerMode::kCim;
    NetworkModel model = buildModel(source.model->shape(), 1);
    configureQuantization(*model, qc);
    model->loadStateArrays(start_state, job.in_checkpoint);
    // (a) no retraining: ADC steps by minimum squared error on training batches.
    calibrateSteps(*model, data, LayerMode::kCim, {false, false, true, true},
                   job.calibration_batches, job.retrain.batch_size);
    p.unaware_accuracy = evaluateModel(*model, data, job.retrain.eval_batch_size).accuracy;
    // (b) retrained with the ADC in the loop, from the same start.
    if (job.retrain_epochs > 0) {
      TrainConfig t = job.retrain;
      t.epochs = job.retrain_epochs;
      calibrateSteps(*model, data, LayerMode::kCim, {false, false, true, false},
                     job.calibration_batches, t.batch_size);
      TrainHooks hooks;
      hooks.after_step = [](NetworkModelImpl& m) { clampQuantizerSteps(m); };
      TrainResult tr = trainModel(*model, data, t, observer, hooks);
      if (tr.status == TrainResult::Status::kCancelled) {
        r.status = AdcSweepResult::Status::kCancelled;
        break;
      }
      p.aware_accuracy = tr.final_eval.accuracy;
    }
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.points.push_back(p);
    if (!job.out_path.empty()) writeResults(job.out_path, setup, r);
    if (!observer.onPoint(p)) {
      r.status = AdcSweepResult::Status::kCancelled;
      break;
    }
  }
  // Points are kept in the file even when the list given this time is shorter.
  if (!job.out_path.empty() && r.status == AdcSweepResult::Status::kCompleted) {
    writeResults(job.out_path, setup, r);
  }
  return r;
}

}  // namespace cimscope
