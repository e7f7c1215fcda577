#include "engine/jobs/pipeline.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "engine/adapt/morph.h"
#include "engine/adapt/qat.h"
#include "engine/adapt/trainer.h"
#include "engine/cim/network_mapper.h"
#include "engine/cim/sim/simulation.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/common/errors.h"
#include "engine/data/dataset_catalog.h"
#include "engine/store/checkpoint.h"
#include "engine/store/h5_file.h"
#include "engine/store/record_table.h"
#include "engine/common/version.h"

namespace cimscope {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The config a run is identified by: everything but the design-space sweep (not a run stage).
std::string identityOf(const ExperimentConfig& c) {
  nlohmann::json j = c.toJson();
  j.erase("sweep");
  return j.dump();
}

// Relative weight of each stage in the whole run's progress: its training epochs.
double stageWeight(const ExperimentConfig& c, const std::string& stage) {
  if (stage == "baseline") return c.baseline_checkpoint.empty() ? std::max(1, c.baseline_train.epochs) : 0.1;
  if (stage == "stage1") return 0.5 + c.stage1.shrink_epochs + c.stage1.finetune_epochs;
  if (stage == "stage2" || stage == "stage2_unaware") return 0.2 + c.stage2.train.epochs;
  if (stage == "simulate") return 0.3;
  if (stage == "adc_sweep") {
    return static_cast<double>(c.adc_sweep.bits.size()) * (0.2 + c.adc_sweep.retrain_epochs);
  }
  return 1;
}

// Turns the trainer's per-batch progress of one stage into whole-run progress.
class StageProgress : public AdcSweepObserver {
 public:
  StageProgress(PipelineObserver& out, const std::atomic<bool>& cancel, PipelineProgress base,
                double done_weight, double stage_weight, double total_weight,
                Clock::time_point run_start, double weight_at_start)
      : out_(out), cancel_(cancel), p_(std::move(base)), done_(done_weight),
        weight_(stage_weight), total_(total_weight), start_(run_start),
        weight_at_start_(weight_at_start) {}

  bool onBatch(const TrainProgress& t) override {
    // A stage may run several trainings one after the other (Stage 1: shrink, then
    // fine-tune); a fraction that drops means the next one started.
    if (t.fraction + 1e-9 < last_) ++sub_;
    last_ = t.fraction;
    const double sub_fraction = std::min(1.0, (sub_ + t.fraction) / (sub_ + 1.0));
    p_.stage_fraction = std::max(p_.stage_fraction, sub_fraction);
    char msg[160];
    std::snprintf(msg, sizeof msg, "epoch %d/%d batch %lld/%lld loss %.4f acc %.1f%% %.0f img/s",
                  t.epoch, t.epochs, static_cast<long long>(t.batch),
                  static_cast<long long>(t.batches), t.loss, 100 * t.accuracy,
                  t.images_per_second);
    p_.message = msg;
    publish();
    return !cancel_.load();
  }
  bool onEpochEnd(const EpochReport& r) override {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s epoch %d: test accuracy %.2f%%", p_.stage.c_str(),
                  r.epoch, 100 * r.test_accuracy);
    out_.onLog(msg);
    return !cancel_.load();
  }
  bool onPoint(const AdcSweepPoint& pt) override {
    char msg[160];
    std::snprintf(msg, sizeof msg, "adc_sweep %d bits: ADC-unaware %.2f%%, ADC-aware %s", pt.adc_bits,
                  100 * pt.unaware_accuracy,
                  pt.aware_accuracy < 0 ? "not run"
                                        : (std::to_string(100 * pt.aware_accuracy).substr(0, 5) + "%").c_str());
    out_.onLog(msg);
    return !cancel_.load();
  }
  void publish() {
    const double now_weight = done_ + weight_ * p_.stage_fraction;
    p_.fraction = total_ > 0 ? now_weight / total_ : 0;
    const double progressed = now_weight - weight_at_start_;
    const double elapsed = secondsSince(start_);
    p_.eta_seconds = progressed > 0 ? elapsed * (total_ - now_weight) / progressed : 0;
    out_.onProgress(p_);
  }

 private:
  PipelineObserver& out_;
  const std::atomic<bool>& cancel_;
  PipelineProgress p_;
  double done_, weight_, total_;
  Clock::time_point start_;
  double weight_at_start_;
  int sub_ = 0;
  double last_ = 0;
};

// `first_last_in_float`: a Stage 2 network trained with exclude_first_last; its macros, cycles
// and energy are those of the layers on the macro (as `simulate` counts them), its parameters
// and weights the whole network's.
StageSummary summarize(const std::string& name, const std::string& file, const NetworkSpec& spec,
                       const MacroSpec& macro, double accuracy, std::int64_t stored_bits,
                       std::int64_t baseline_weights, double seconds,
                       bool first_last_in_float = false) {
  const MappingReport m = mapNetwork(spec, macro);
  const MappingTotals cost =
      first_last_in_float
          ? mapNetwork(layersOnMacro(buildNetworkShape(spec), true), macro).total
          : m.total;
  StageSummary s;
  s.name = name;
  s.file = file;
  s.accuracy = accuracy;
  s.params = m.total.params;
  s.weights = m.total.weights;
  s.stored_bits = stored_bits > 0 ? stored_bits : 32 * m.total.weights;
  s.compression = baseline_weights > 0
                      ? 1.0 - static_cast<double>(s.stored_bits) / (32.0 * baseline_weights)
                      : 0;
  s.macros = cost.macros;
  s.utilization = cost.utilization;
  s.weight_load_cycles_per_inference = cost.weight_load_cycles_per_inference;
  s.latency_cycles = cost.latency_cycles;
  s.energy_pj = cost.energy_pj;
  s.seconds = seconds;
  return s;
}

// The simulator's results as a small HDF5 file of their own (docs/hdf5-schema.md, "Run files").
void writeSimulation(const std::string& path, const SimulationResult& r, const std::string& source) {
  const std::string tmp = path + ".tmp";
  {
    H5File f(tmp, H5File::Mode::kCreate);
    f.setAttribute("/", "format", std::string("cimscope-simulation"));
    f.setAttribute("/", "format_version", static_cast<std::int64_t>(1));
    f.setAttribute("/", "cimscope_version", versionLine());
    f.setAttribute("/", "created", utcTimestamp());
    f.setAttribute("/", "checkpoint", source);
    f.setAttribute("/", "accuracy", r.accuracy);
    f.setAttribute("/", "samples", r.samples);
    f.setAttribute("/", "argmax_agreement", r.argmax_agreement);
    f.setAttribute("/", "max_logit_difference", r.max_logit_difference);
    f.setAttribute("/", "psum_mismatches", r.psum_mismatches);
    f.setAttribute("/", "latency_cycles_per_inference", r.per_inference.latency_cycles);
    f.setAttribute("/", "adc_conversions_per_inference", r.per_inference.adc_conversions);
    f.setAttribute("/", "energy_pj_per_inference", r.per_inference.energy_pj);
    f.setAttribute("/", "images_per_second", r.images_per_second);
    using T = TableColumn::Type;
    RecordTableWriter t(f, "/layers",
                        {{"layer", T::kString, 48}, {"psum_groups", T::kInt64, 0},
                         {"conversions", T::kInt64, 0}, {"clipped_fraction", T::kFloat64, 0},
                         {"max_abs_psum", T::kInt64, 0}, {"quantized", T::kInt64, 0}});
    std::vector<TableRow> rows;
    for (const auto& l : r.layers) {
      rows.push_back({l.name, static_cast<std::int64_t>(l.psum_groups), l.conversions,
                      l.clipped_fraction, l.max_abs_psum, static_cast<std::int64_t>(l.quantized)});
    }
    t.append(rows);
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace

std::vector<std::string> pipelineStages(const ExperimentConfig& c) {
  std::vector<std::string> s = {"baseline"};
  if (c.stage1_enabled) s.push_back("stage1");
  if (c.stage2.enabled) {
    s.push_back("stage2");
    if (c.stage2.train_unaware) s.push_back("stage2_unaware");
  }
  if (c.adc_sweep.enabled && c.stage2.enabled) s.push_back("adc_sweep");
  if (c.simulate && c.stage2.enabled) s.push_back("simulate");
  return s;
}

PipelineResult runPipeline(const ExperimentConfig& config, const std::string& run_file,
                           bool resume, PipelineObserver& observer,
                           const std::atomic<bool>& cancel) {
  config.validate();
  const auto start = Clock::now();
  PipelineResult result;
  result.run_file = run_file;
  result.stages_dir = run_file + ".stages";
  const std::string identity = identityOf(config);
  const MacroSpec macro = config.macro();
  const auto stages = pipelineStages(config);

  RunFileState state;
  if (std::filesystem::exists(run_file)) {
    if (!resume) {
      throw StoreError(run_file + ": already exists; use --resume to continue that run, or another --out");
    }
    state = readRunFile(run_file);
    if (state.config_json != identity) {
      throw StoreError(run_file + ": this run was started with another config; resume it with the "
                                  "config it was started with, or use another --out");
    }
  } else if (std::filesystem::path(run_file).has_parent_path() &&
             !std::filesystem::exists(std::filesystem::path(run_file).parent_path())) {
    throw StoreError(run_file + ": its folder does not exist");
  }
  std::filesystem::create_directories(result.stages_dir);
  auto stageFile = [&](const std::string& name) { return result.stages_dir + "/" + name + ".h5"; };
  auto isDone = [&](const std::string& name) {
    for (const auto& s : state.completed) {
      if (s == name) return true;
    }
    return false;
  };

  observer.onLog("loading data set " + config.dataset.name);
  Dataset data = loadDataset(config.dataset);

  double total_weight = 0;
  for (const auto& s : stages) total_weight += stageWeight(config, s);
  double done_weight = 0;
  for (const auto& s : stages) {
    if (isDone(s)) done_weight += stageWeight(config, s);
  }
  const double weight_at_start = done_weight;
  for (const auto& s : state.summaries) result.stages.push_back(s);
  std::int64_t baseline_weights = 0;
  for (const auto& s : state.summaries) {
    if (s.name == "baseline") baseline_weights = s.weights;
  }

  for (std::size_t si = 0; si < stages.size(); ++si) {
    const std::string& name = stages[si];
    if (isDone(name)) {
      if (!std::filesystem::exists(stageFile(name)) && name != "adc_sweep" && name != "simulate") {
        throw StoreError(stageFile(name) + ": the file of finished stage " + name +
                         " is missing; it is needed by the stages after it");
      }
      result.resumed.push_back(name);
      continue;
    }
    PipelineProgress base;
    base.stage = name;
    base.stage_index = static_cast<int>(si);
    base.stage_count = static_cast<int>(stages.size());
    StageProgress progress(observer, cancel, base, done_weight, stageWeight(config, name),
                           total_weight, start, weight_at_start);
    progress.publish();
    observer.onLog("stage " + std::to_string(si + 1) + "/" + std::to_string(stages.size()) + ": " + name);
    const auto stage_start = Clock::now();
    StageSummary summary;
    bool cancelled = false;

    if (name == "baseline") {
      if (!config.baseline_checkpoint.empty()) {
        std::filesystem::copy_file(config.baseline_checkpoint, stageFile(name),
                                   std::filesystem::copy_options::overwrite_existing);
        EvalResult ev = evaluateCheckpoint(stageFile(name), data, config.baseline_train.eval_batch_size);
        const NetworkSpec spec = checkpointNetworkSpec(stageFile(name));
        summary = summarize(name, stageFile(name), spec, macro, ev.accuracy, 0, 0, secondsSince(stage_start));
      } else {
        TrainJob job;
        job.network = config.network();
        job.train = config.baseline_train;
        job.out_checkpoint = stageFile(name);
        job.resume = resume;
        job.dataset_name = config.dataset.name;
        job.subset_train = config.dataset.subset_train;
        job.subset_test = config.dataset.subset_test;
        if (resume && resumableEpochs(job, job.out_checkpoint) > 0) {
          observer.onLog("baseline: continuing after epoch " +
                         std::to_string(resumableEpochs(job, job.out_checkpoint)));
        }
        TrainResult r = trainNetwork(job, data, progress);
        cancelled = r.status == TrainResult::Status::kCancelled;
        summary = summarize(name, stageFile(name), job.network, macro, r.final_eval.accuracy, 0, 0,
                            secondsSince(stage_start));
      }
      baseline_weights = summary.weights;
    } else if (name == "stage1") {
      MorphConfig mc = config.stage1;
      mc.in_checkpoint = stageFile("baseline");
      mc.out_checkpoint = stageFile(name);
      mc.macro = macro;
      mc.dataset_name = config.dataset.name;
      mc.subset_train = config.dataset.subset_train;
      mc.subset_test = config.dataset.subset_test;
      mc.resume = resume;
      if (config.stage1_distill) mc.finetune_distill.teacher = stageFile("baseline");
      MorphResult r = runMorph(mc, data, progress, [&](const MorphStepReport& step) {
        char msg[200];
        std::snprintf(msg, sizeof msg,
                      "stage1 %s: %lld params, %lld macros, utilization %.1f%%, accuracy %.2f%%",
                      step.name.c_str(), static_cast<long long>(step.params),
                      static_cast<long long>(step.macros), 100 * step.utilization,
                      100 * step.accuracy);
        observer.onLog(msg);
      });
      cancelled = r.status == MorphResult::Status::kCancelled;
      for (const auto& [step, epochs] : r.resumed) {
        observer.onLog("stage1 " + step + ": continued after epoch " + std::to_string(epochs) +
                       " of the interrupted run");
      }
      for (const auto& w : r.warnings) result.warnings.push_back("stage1: " + w);
      if (!cancelled) {
        const MorphStepReport* last = r.steps.empty() ? nullptr : &r.steps.back();
        summary = summarize(name, stageFile(name), r.adapted, macro, last ? last->accuracy : NAN, 0,
                            baseline_weights, secondsSince(stage_start));
      }
    } else if (name == "stage2" || name == "stage2_unaware") {
      QatJob job;
      job.in_checkpoint = stageFile(config.stage1_enabled ? "stage1" : "baseline");
      job.out_checkpoint = stageFile(name);
      job.quant.macro = macro;
      job.quant.per_channel_weights = config.stage2.per_channel_weights;
      job.quant.per_column_adc = config.stage2.per_column_adc;
      job.quant.exclude_first_last = config.stage2.exclude_first_last;
      job.adc_aware = name == "stage2";
      job.train = config.stage2.train;
      job.calibration_batches = config.stage2.calibration_batches;
      job.step_init = config.stage2.step_init;
      if (config.stage2.distill) {
        job.teacher_checkpoint = stageFile("baseline");
        job.distill_weight = config.stage2.distill_weight;
        job.distill_temperature = config.stage2.distill_temperature;
      }
      job.dataset_name = config.dataset.name;
      job.subset_train = config.dataset.subset_train;
      job.subset_test = config.dataset.subset_test;
      job.resume = resume;
      QatResult r = runQat(job, data, progress);
      cancelled = r.train.status == TrainResult::Status::kCancelled;
      if (r.resumed_epochs > 0) {
        observer.onLog(name + ": continued after epoch " + std::to_string(r.resumed_epochs) +
                       " of the interrupted run");
      }
      for (const auto& w : r.warnings) result.warnings.push_back(name + ": " + w);
      if (!cancelled) {
        // Both models are measured as the macro runs them: partial sums through the ADC.
        summary = summarize(name, stageFile(name), checkpointNetworkSpec(stageFile(name)), macro,
                            r.cim_eval.accuracy, r.stored_weight_bits, baseline_weights,
                            secondsSince(stage_start), config.stage2.exclude_first_last);
      }
    } else if (name == "simulate") {
      SimulationConfig sc;
      sc.checkpoint = stageFile("stage2");
      sc.compare_fake_quant = true;
      sc.batch_size = config.baseline_train.eval_batch_size;
      progress.publish();
      SimulationResult r = simulateCheckpoint(sc, data);
      for (const auto& w : r.warnings) result.warnings.push_back("simulate: " + w);
      char msg[200];
      std::snprintf(msg, sizeof msg,
                    "simulate: accuracy %.2f%% on %lld images, same top-1 as fake-quant on %lld, "
                    "%lld integer partial sums differ, %.0f images/s",
                    100 * r.accuracy, static_cast<long long>(r.samples),
                    static_cast<long long>(r.argmax_agreement),
                    static_cast<long long>(r.psum_mismatches), r.images_per_second);
      observer.onLog(msg);
      writeSimulation(stageFile(name), r, sc.checkpoint);
      summary = summarize(name, stageFile(name), checkpointNetworkSpec(sc.checkpoint), macro,
                          r.accuracy, 0, baseline_weights, secondsSince(stage_start),
                          config.stage2.exclude_first_last);
      // Stored bits as Stage 2 stores them: the same network and quantization.
      for (const auto& s2 : result.stages) {
        if (s2.name == "stage2") {
          summary.stored_bits = s2.stored_bits;
          summary.compression = s2.compression;
        }
      }
    } else if (name == "adc_sweep") {
      AdcSweepJob job;
      job.in_checkpoint = stageFile("stage2_unaware");
      job.out_path = stageFile(name);
      job.adc_bits = config.adc_sweep.bits;
      job.retrain_epochs = config.adc_sweep.retrain_epochs;
      job.retrain = config.adc_sweep.retrain;
      job.retrain.epochs = std::max(1, config.adc_sweep.retrain_epochs);
      job.macro = macro;
      job.calibration_batches = config.stage2.calibration_batches;
      job.resume = true;
      job.dataset_name = config.dataset.name;
      job.subset_train = config.dataset.subset_train;
      job.subset_test = config.dataset.subset_test;
      AdcSweepResult r = runAdcSweep(job, data, progress);
      cancelled = r.status == AdcSweepResult::Status::kCancelled;
      for (const auto& w : r.warnings) result.warnings.push_back("adc_sweep: " + w);
      result.adc_sweep = r;
      if (!cancelled) {
        summary.name = name;
        summary.file = stageFile(name);
        summary.accuracy = r.quantized_accuracy;
        summary.seconds = secondsSince(stage_start);
      }
    }
    if (cancelled || cancel.load()) {
      result.status = PipelineResult::Status::kCancelled;
      observer.onLog("cancelled during " + name + "; finished stages are kept in " + run_file);
      break;
    }
    recordStage(run_file, identity, summary, summary.file);
    result.stages.push_back(summary);
    observer.onStage(summary);
    done_weight += stageWeight(config, name);
  }
  result.seconds = secondsSince(start);
  return result;
}

}  // namespace cimscope
