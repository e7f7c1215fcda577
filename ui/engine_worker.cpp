#include "ui/engine_worker.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "engine/adapt/adc_sweep.h"
#include "engine/adapt/morph.h"
#include "engine/adapt/qat.h"
#include "engine/jobs/experiment_config.h"
#include "engine/jobs/macro_evaluation.h"
#include "engine/jobs/pipeline.h"
#include "engine/jobs/sweep_runner.h"
#include "engine/store/h5_file.h"
#include "engine/store/result_readers.h"
#include "engine/store/run_file.h"
#include "engine/adapt/trainer.h"
#include "ui/result_adapters.h"
#include "engine/cim/macro_preset_catalog.h"
#include "engine/cim/macro_spec_json.h"
#include "engine/cim/mapping_report_json.h"
#include "engine/cim/network_mapper.h"
#include "engine/common/errors.h"
#include "engine/data/dataset.h"
#include "engine/data/dataset_catalog.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/checkpoint.h"
#include "engine/store/spec_json.h"

namespace cimscope {

namespace {

QImage toImage(const ImageSet& set, std::size_t index) {
  const std::uint8_t* px = set.image(index);
  const int h = set.height, w = set.width;
  if (set.channels == 1) {
    QImage img(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
      std::copy(px + y * w, px + (y + 1) * w, img.scanLine(y));
    }
    return img;
  }
  // Channel-planar (CHW) colour: take the first three planes as R, G, B.
  QImage img(w, h, QImage::Format_RGB888);
  const std::size_t plane = static_cast<std::size_t>(h) * w;
  for (int y = 0; y < h; ++y) {
    uchar* line = img.scanLine(y);
    for (int x = 0; x < w; ++x) {
      const std::size_t o = static_cast<std::size_t>(y) * w + x;
      for (int c = 0; c < 3; ++c) {
        line[3 * x + c] = px[(c < set.channels ? c : 0) * plane + o];
      }
    }
  }
  return img;
}

// Forwards a training loop's hooks as throttled signals and stops on the job's token.
class JobTrainObserver : public TrainObserver {
 public:
  JobTrainObserver(int job_id, const std::atomic<bool>& cancel,
                   std::function<void(const JobProgress&)> progress,
                   std::function<void(const QString&)> log)
      : job_id_(job_id), cancel_(cancel), progress_(std::move(progress)), log_(std::move(log)) {
    since_.start();
  }

  bool onBatch(const TrainProgress& p) override {
    const bool last = p.batch == p.batches;
    if (last || !sent_ || since_.elapsed() >= EngineWorker::kProgressIntervalMs) {
      sent_ = true;
      since_.restart();
      JobProgress out;
      out.job_id = job_id_;
      out.fraction = p.fraction;
      out.stage = QObject::tr("epoch %1/%2").arg(p.epoch).arg(p.epochs);
      out.message = QObject::tr("batch %1/%2, loss %3, train acc %4 %, %5 images/s")
                        .arg(p.batch)
                        .arg(p.batches)
                        .arg(p.loss, 0, 'f', 4)
                        .arg(100 * p.accuracy, 0, 'f', 1)
                        .arg(p.images_per_second, 0, 'f', 0);
      out.eta_seconds = p.eta_seconds;
      progress_(out);
    }
    return !cancel_.load();
  }

  bool onEpochEnd(const EpochReport& r) override {
    log_(QObject::tr("epoch %1: train loss %2 acc %3 %, test loss %4 acc %5 %, %6 s")
             .arg(r.epoch)
             .arg(r.train_loss, 0, 'f', 4)
             .arg(100 * r.train_accuracy, 0, 'f', 2)
             .arg(r.test_loss, 0, 'f', 4)
             .arg(100 * r.test_accuracy, 0, 'f', 2)
             .arg(r.seconds, 0, 'f', 1));
    return !cancel_.load();
  }

 private:
  int job_id_;
  const std::atomic<bool>& cancel_;
  std::function<void(const JobProgress&)> progress_;
  std::function<void(const QString&)> log_;
  QElapsedTimer since_;
  bool sent_ = false;
};

}  // namespace

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) {}
EngineWorker::~EngineWorker() = default;

void EngineWorker::listDatasets() {
  try {
    Q_EMIT datasetsListed(cimscope::listDatasets(DataLocations::fromEnvironment()));
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Listing data sets"), QString::fromStdString(e.what()));
  }
}

void EngineWorker::loadSamples(const SampleRequest& request) {
  cancel_.store(false);
  try {
    const std::string name = request.dataset.toStdString();
    if (!cached_ || cached_->name != name) {
      Q_EMIT status(tr("Loading %1 ...").arg(request.dataset));
      DatasetConfig config;
      config.name = name;
      config.validate();
      cached_ = std::make_unique<Dataset>(loadDataset(config));
    }
    const ImageSet& set = request.test_split ? cached_->test : cached_->train;
    SampleGrid grid;
    grid.dataset = request.dataset;
    grid.test_split = request.test_split;
    grid.class_filter = request.class_filter;
    grid.split_size = static_cast<qint64>(set.size());
    grid.source = QString::fromStdString(cached_->source);
    for (const auto& n : cached_->class_names) grid.class_names << QString::fromStdString(n);

    // Without a filter, the grid shows an equal number of the first samples of every class,
    // in class order, so each class is visible at a glance.
    const int classes = std::max(1, cached_->classes());
    const int per_class =
        request.class_filter < 0 ? std::max(1, request.max_samples / classes) : request.max_samples;
    std::vector<int> taken(static_cast<std::size_t>(classes), 0);
    std::vector<std::vector<std::size_t>> picks(static_cast<std::size_t>(classes));
    for (std::size_t i = 0; i < set.size(); ++i) {
      if (cancel_.load()) return;
      const int label = set.labels[i];
      if (label < 0 || label >= classes) continue;
      if (request.class_filter >= 0 && label != request.class_filter) continue;
      if (taken[label] >= per_class) continue;
      ++taken[label];
      picks[label].push_back(i);
    }
    for (const auto& list : picks) {
      for (std::size_t i : list) {
        grid.images.push_back(toImage(set, i));
        grid.labels.push_back(set.labels[i]);
      }
    }
    Q_EMIT samplesLoaded(grid);
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Loading %1").arg(request.dataset), QString::fromStdString(e.what()));
  }
}

void EngineWorker::runJob(int id, const CancelToken& token,
                          const std::function<void(const std::atomic<bool>&)>& body) {
  static const std::atomic<bool> never{false};
  const std::atomic<bool>& cancel = token ? *token : never;
  try {
    if (cancel.load()) {  // cancelled while queued
      Q_EMIT jobFinished(JobOutcome{id, true, tr("cancelled before it started"), {}, -1});
      return;
    }
    Q_EMIT jobStarted(id);
    body(cancel);
  } catch (const std::exception& e) {
    Q_EMIT jobFailed(id, QString::fromStdString(e.what()));
  }
}

void EngineWorker::trainBaseline(const BaselineTrainRequest& request) {
  const int id = request.job_id;
  runJob(id, request.cancel, [&](const std::atomic<bool>& cancel) {
    Q_EMIT jobProgress(JobProgress{id, 0, tr("loading data"),
                                   QString::fromStdString(request.data.name), -1});
    request.data.validate();
    request.job.train.validate();
    const Dataset data = loadDataset(request.data);
    if (cancel.load()) {
      Q_EMIT jobFinished(JobOutcome{id, true, tr("cancelled while loading data"), {}, -1});
      return;
    }
    TrainJob job = request.job;
    // The network follows the data set's sample shape and classes; the widths are the user's.
    const NetworkSpec fitted = networkSpecFor(job.network.model, data);
    job.network.in_channels = fitted.in_channels;
    job.network.in_height = fitted.in_height;
    job.network.in_width = fitted.in_width;
    job.network.classes = fitted.classes;
    job.dataset_name = data.name;
    job.subset_train = request.data.subset_train;
    job.subset_test = request.data.subset_test;
    job.validate();
    Q_EMIT jobLog(id, tr("training %1 on %2 (%3 train / %4 test samples), %5 epoch(s) -> %6")
                          .arg(QString::fromStdString(job.network.model),
                               QString::fromStdString(data.name))
                          .arg(data.train.size())
                          .arg(data.test.size())
                          .arg(job.train.epochs)
                          .arg(QString::fromStdString(job.out_checkpoint)));
    JobTrainObserver observer(
        id, cancel, [this](const JobProgress& p) { Q_EMIT jobProgress(p); },
        [this, id](const QString& line) { Q_EMIT jobLog(id, line); });
    const TrainResult r = trainNetwork(job, data, observer);
    JobOutcome out;
    out.job_id = id;
    out.cancelled = r.status == TrainResult::Status::kCancelled;
    out.checkpoint = r.epochs_completed > 0 ? QString::fromStdString(job.out_checkpoint) : QString();
    out.test_accuracy = r.epochs_completed > 0 ? r.final_eval.accuracy : -1;
    out.summary = (out.cancelled ? tr("cancelled after %1 epoch(s)") : tr("completed %1 epoch(s)"))
                      .arg(r.epochs_completed);
    if (r.epochs_completed > 0) {
      out.summary += tr(": test accuracy %1 %, %2 s").arg(100 * r.final_eval.accuracy, 0, 'f', 2)
                         .arg(r.seconds, 0, 'f', 1);
    }
    for (const auto& w : r.warnings) Q_EMIT jobLog(id, tr("warning: %1").arg(QString::fromStdString(w)));
    Q_EMIT jobFinished(out);
  });
}

namespace {
ImportanceData importanceFromFile(const MorphImportanceFile& m, const NetworkSpec& net,
                                  const MacroSpec& macro, const QString& source);
}  // namespace

void EngineWorker::openCheckpoint(const QString& path) {
  try {
    const std::string file = path.toStdString();
    const CheckpointData data = readCheckpoint(file);
    CheckpointSummary s;
    s.path = path;
    s.stage = QString::fromStdString(data.stage);
    s.network = networkSpecFromJson(nlohmann::json::parse(data.network_spec_json),
                                    file + " network_spec");
    s.dataset = QString::fromStdString(checkpointDatasetName(file));
    s.epochs = static_cast<int>(data.epochs_completed);
    for (double a : data.curve.test_accuracy) s.test_accuracy_curve.push_back(a);
    if (!s.test_accuracy_curve.isEmpty()) s.test_accuracy = s.test_accuracy_curve.back();
    s.created = QString::fromStdString(data.created);
    if (const auto adapted = adaptedMacro(data.training_config_json, file)) {
      s.macro = *adapted;
      s.has_macro = true;
    }
    if (s.stage == "stage1" || s.stage == "stage2") {
      s.lineage = readCheckpointLineage(file);
      s.has_lineage = true;
    }
    Q_EMIT checkpointOpened(s);
    // A Stage 1 output carries its importance tables (/morph), and a Stage 2 output points at
    // its Stage 1 file: the Layer importance tab shows the last step's, costed on the macro the
    // network was adapted to.
    const std::string morph_file = s.stage == "stage2" ? s.lineage.stage1.file : file;
    if (!morph_file.empty()) {
      const H5File f(morph_file, H5File::Mode::kRead);
      if (f.exists("/morph")) {
        Q_EMIT importanceReady(importanceFromFile(
            readMorphImportance(f), s.network, s.has_macro ? s.macro : MacroSpec{},
            tr("Stage 1 of %1").arg(QFileInfo(QString::fromStdString(morph_file)).fileName())));
      }
    }
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Opening %1").arg(path), QString::fromStdString(e.what()));
  }
}

void EngineWorker::exportMappingJson(const NetworkSpec& network, const MacroSpec& macro,
                                     const QString& path) {
  try {
    const NetworkShape shape = buildNetworkShape(network);
    const MappingReport report = mapNetwork(shape, macro);
    const std::string file = path.toStdString();
    std::ofstream out(file);
    if (!out) throw StoreError("cannot write " + file);
    out << mappingReportToJson(report, shape, macro).dump(2) << "\n";
    if (!out.flush()) throw StoreError("writing " + file + " failed");
    Q_EMIT fileWritten(path);
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Exporting the mapping"), QString::fromStdString(e.what()));
  }
}

void EngineWorker::saveMacroSpec(const MacroSpec& macro, const QString& path) {
  try {
    writeMacroSpec(path.toStdString(), macro);
    Q_EMIT fileWritten(path);
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Saving the macro"), QString::fromStdString(e.what()));
  }
}

void EngineWorker::writeExperimentConfig(const QString& config_json, const QString& path) {
  try {
    const std::string file = path.toStdString();
    const ExperimentConfig c =
        ExperimentConfig::fromJson(nlohmann::json::parse(config_json.toStdString()), file);
    c.validate();
    // Written beside and renamed over: a failed write never leaves half a config.
    const std::string tmp = file + ".tmp";
    {
      std::ofstream out(tmp);
      if (!out) throw StoreError("cannot write " + file);
      out << c.toJson().dump(2) << "\n";
      if (!out.flush()) throw StoreError("writing " + file + " failed");
    }
    std::filesystem::rename(tmp, file);
    Q_EMIT fileWritten(path);
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Exporting the config"), QString::fromStdString(e.what()));
  }
}

void EngineWorker::listMacroPresets() {
  try {
    Q_EMIT macroPresetsListed(cimscope::listMacroPresets());
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Listing macro presets"), QString::fromStdString(e.what()));
  }
}

void EngineWorker::loadMacroFile(const QString& path) {
  try {
    Q_EMIT macroLoaded(readMacroSpec(path.toStdString()), path);
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Opening %1").arg(path), QString::fromStdString(e.what()));
  }
}

void EngineWorker::runStage1(const Stage1Request& request) {
  const int id = request.job_id;
  runJob(id, request.cancel, [&](const std::atomic<bool>& cancel) {
    Q_EMIT jobProgress(JobProgress{id, 0, tr("loading data"),
                                   QString::fromStdString(request.data.name), -1});
    request.config.validate();
    const Dataset data = loadDataset(request.data);
    const NetworkSpec base = checkpointNetworkSpec(request.config.in_checkpoint);
    const QString source = QFileInfo(QString::fromStdString(request.config.in_checkpoint)).fileName();
    JobTrainObserver observer(
        id, cancel, [this](const JobProgress& p) { Q_EMIT jobProgress(p); },
        [this, id](const QString& line) { Q_EMIT jobLog(id, line); });
    auto on_step = [&](const MorphStepReport& step) {
      Q_EMIT jobLog(id, tr("step %1: %2 macros, utilization %3 %, accuracy %4 %")
                            .arg(QString::fromStdString(step.name))
                            .arg(step.macros)
                            .arg(100 * step.utilization, 0, 'f', 1)
                            .arg(100 * step.accuracy, 0, 'f', 2));
      NetworkSpec net = base;
      net.widths = step.widths;
      MappingReport mapping;
      try {
        mapping = mapNetwork(net, request.config.macro);
      } catch (const std::exception&) {
        // Importance is still worth showing without the macro cost.
      }
      Q_EMIT importanceReady(importanceDataFrom(
          step.importance, mapping.layers.empty() ? nullptr : &mapping,
          tr("Stage 1 %1 step of %2").arg(QString::fromStdString(step.name), source)));
    };
    const MorphResult r = runMorph(request.config, data, observer, on_step);
    JobOutcome out;
    out.job_id = id;
    out.cancelled = r.status == MorphResult::Status::kCancelled;
    for (const auto& w : r.warnings) Q_EMIT jobLog(id, tr("warning: %1").arg(QString::fromStdString(w)));
    if (!out.cancelled && !r.steps.empty()) {
      out.test_accuracy = r.steps.back().accuracy;
      out.summary = tr("Stage 1 done: %1 macros, accuracy %2 %")
                        .arg(r.steps.back().macros)
                        .arg(100 * r.steps.back().accuracy, 0, 'f', 2);
      Q_EMIT stage1Ready(r.adapted, r.steps.back().accuracy);
    } else {
      out.summary = tr("cancelled after %1 step(s)").arg(r.steps.size());
    }
    Q_EMIT jobFinished(out);
  });
}

namespace {
// Training hooks go to the job's observer; each finished point to `on_point`.
class JobAdcObserver : public AdcSweepObserver {
 public:
  JobAdcObserver(TrainObserver& inner, const std::atomic<bool>& cancel,
                 std::function<void(const AdcSweepPoint&)> on_point)
      : inner_(inner), cancel_(cancel), on_point_(std::move(on_point)) {}
  bool onBatch(const TrainProgress& p) override { return inner_.onBatch(p); }
  bool onEpochEnd(const EpochReport& r) override { return inner_.onEpochEnd(r); }
  bool onPoint(const AdcSweepPoint& p) override {
    on_point_(p);
    return !cancel_.load();
  }

 private:
  TrainObserver& inner_;
  const std::atomic<bool>& cancel_;
  std::function<void(const AdcSweepPoint&)> on_point_;
};
}  // namespace

void EngineWorker::runAdcSweep(const AdcSweepRequest& request) {
  const int id = request.job_id;
  runJob(id, request.cancel, [&](const std::atomic<bool>& cancel) {
    request.job.validate();
    const Dataset data = loadDataset(request.data);
    const QString source = QFileInfo(QString::fromStdString(request.job.in_checkpoint)).fileName();
    JobTrainObserver training(
        id, cancel, [this](const JobProgress& p) { Q_EMIT jobProgress(p); },
        [this, id](const QString& line) { Q_EMIT jobLog(id, line); });
    AdcSweepResult partial;
    const int total = static_cast<int>(request.job.adc_bits.size());
    JobAdcObserver observer(training, cancel, [&](const AdcSweepPoint& p) {
      partial.points.push_back(p);
      AdcSweepData shown = adcSweepDataFrom(partial, source);
      Q_EMIT jobProgress(JobProgress{id, double(partial.points.size()) / std::max(1, total),
                                     tr("point %1/%2").arg(partial.points.size()).arg(total),
                                     tr("%1-bit ADC: unaware %2 %").arg(p.adc_bits)
                                         .arg(100 * p.unaware_accuracy, 0, 'f', 2), -1});
      shown.has_macro = request.job.macro.has_value();
      shown.macro = request.job.macro.value_or(MacroSpec{});
      Q_EMIT adcSweepUpdated(shown);  // a point appears when done
    });
    const AdcSweepResult r = cimscope::runAdcSweep(request.job, data, observer);
    for (const auto& w : r.warnings) Q_EMIT jobLog(id, tr("warning: %1").arg(QString::fromStdString(w)));
    AdcSweepData shown = adcSweepDataFrom(r, source);
    shown.has_macro = request.job.macro.has_value();
    shown.macro = request.job.macro.value_or(MacroSpec{});
    Q_EMIT adcSweepUpdated(shown);
    JobOutcome out;
    out.job_id = id;
    out.cancelled = r.status == AdcSweepResult::Status::kCancelled;
    out.summary = tr("%1 ADC point(s)%2").arg(r.points.size()).arg(out.cancelled ? tr(", cancelled") : QString());
    Q_EMIT jobFinished(out);
  });
}


namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

// A stage's results: from its own file when it is still beside the run file, else from the
// copy inside the run file (/stages/<name>), so a run file alone is enough.
struct StageSource {
  std::unique_ptr<H5File> file;
  std::string group;
};
StageSource openStage(const std::string& run_file, const StageSummary& s) {
  StageSource src;
  std::error_code ec;
  if (!s.file.empty() && std::filesystem::exists(s.file, ec)) {
    src.file = std::make_unique<H5File>(s.file, H5File::Mode::kRead);
  } else {
    src.file = std::make_unique<H5File>(run_file, H5File::Mode::kRead);
    src.group = "/stages/" + s.name;
  }
  return src;
}

ImportanceData importanceFromFile(const MorphImportanceFile& m, const NetworkSpec& net,
                                  const MacroSpec& macro, const QString& source) {
  MappingReport mapping;
  try {
    mapping = mapNetwork(net, macro);
  } catch (const std::exception&) {
    // Importance is still worth showing without the macro cost.
  }
  ImportanceData d;
  d.source = source;
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    const MorphLayerImportance& l = m.layers[i];
    if (!l.has_batch_norm) continue;  // the classifier has no |gamma|
    LayerImportanceRow row;
    row.layer = q(l.name);
    row.importance = l.sum;
    if (i < mapping.layers.size()) row.macros = static_cast<int>(mapping.layers[i].tiles);
    for (double g : l.gamma) row.channels.push_back(g);
    d.layers.push_back(row);
  }
  return d;
}

AdcSweepData adcFromFile(const AdcSweepFile& f, const QString& source) {
  AdcSweepResult r;
  r.float_accuracy = f.float_accuracy;
  r.quantized_accuracy = f.quantized_accuracy;
  for (const auto& p : f.points) {
    AdcSweepPoint pt;
    pt.adc_bits = p.adc_bits;
    pt.unaware_accuracy = p.unaware_accuracy;
    pt.aware_accuracy = p.aware_accuracy;
    pt.seconds = p.seconds;
    r.points.push_back(pt);
  }
  return adcSweepDataFrom(r, source);
}

// Everything the tabs show for one recorded stage. Reading a stage's extras may fail (an old
// file, a stage cancelled half-way): the summary row still counts, the reason goes to `warn`.
RunStageData stageData(const std::string& run_file, const StageSummary& s,
                       const ExperimentConfig& config, const MacroSpec& macro,
                       const std::function<void(const QString&)>& warn) {
  RunStageData d;
  d.run_file = q(run_file);
  d.name = q(s.name);
  d.stage_file = q(s.file);
  d.accuracy = std::isfinite(s.accuracy) ? s.accuracy : -1;
  d.params = s.params;
  d.weights = s.weights;
  d.stored_bits = s.stored_bits;
  d.macros = s.macros;
  d.utilization = s.utilization;
  d.weight_load_cycles_per_inference = s.weight_load_cycles_per_inference;
  d.latency_cycles = s.latency_cycles;
  d.energy_pj = s.energy_pj;
  d.compression = s.compression;
  d.seconds = s.seconds;
  d.dataset = q(config.dataset.name);
  const QString source = QObject::tr("%1 of %2").arg(d.name, QFileInfo(d.run_file).fileName());
  try {
    StageSource src = openStage(run_file, s);
    const std::string root = src.group.empty() ? "/" : src.group;
    if (s.name != "adc_sweep") {
      if (const auto spec = src.file->stringAttribute(root, "network_spec")) {
        d.network = networkSpecFromJson(nlohmann::json::parse(*spec), s.file + " network_spec");
        d.has_network = true;
      }
      d.epochs = static_cast<int>(src.file->intAttribute(root, "epochs_completed").value_or(0));
    }
    if (s.name == "stage1" && d.has_network) {
      d.importance = importanceFromFile(readMorphImportance(*src.file, src.group), d.network,
                                        macro, source);
    } else if (s.name == "adc_sweep") {
      d.adc = adcFromFile(readAdcSweepFile(*src.file, src.group), source);
      d.adc.has_macro = true;  // the pipeline sweeps the run's macro
      d.adc.macro = macro;
    }
  } catch (const std::exception& e) {
    warn(QObject::tr("%1: %2").arg(d.name, q(e.what())));
  }
  return d;
}

class JobPipelineObserver : public PipelineObserver {
 public:
  JobPipelineObserver(int job_id, std::function<void(const JobProgress&)> progress,
                      std::function<void(const StageSummary&)> stage,
                      std::function<void(const QString&)> log)
      : job_id_(job_id), progress_(std::move(progress)), stage_(std::move(stage)),
        log_(std::move(log)) {
    since_.start();
  }
  void onProgress(const PipelineProgress& p) override {
    // Throttled to ~10 Hz (STYLE.md rule 12); a new stage always shows at once.
    const bool new_stage = p.stage != last_stage_;
    if (!new_stage && since_.elapsed() < EngineWorker::kProgressIntervalMs) return;
    last_stage_ = p.stage;
    since_.restart();
    JobProgress out;
    out.job_id = job_id_;
    out.fraction = p.fraction;
    out.stage = QObject::tr("%1 (%2/%3)").arg(q(p.stage)).arg(p.stage_index + 1).arg(p.stage_count);
    out.message = q(p.message);
    out.eta_seconds = p.eta_seconds > 0 ? p.eta_seconds : -1;
    progress_(out);
  }
  void onStage(const StageSummary& s) override { stage_(s); }
  void onLog(const std::string& line) override { log_(q(line)); }

 private:
  int job_id_;
  std::function<void(const JobProgress&)> progress_;
  std::function<void(const StageSummary&)> stage_;
  std::function<void(const QString&)> log_;
  QElapsedTimer since_;
  std::string last_stage_;
};

}  // namespace

void EngineWorker::runPipeline(const PipelineRequest& request) {
  const int id = request.job_id;
  runJob(id, request.cancel, [&](const std::atomic<bool>& cancel) {
    const ExperimentConfig config =
        ExperimentConfig::fromJson(nlohmann::json::parse(request.config_json), "pipeline config");
    config.validate();
    const MacroSpec macro = config.macro();
    const std::string run = request.run_file.toStdString();
    Q_EMIT jobLog(id, tr("pipeline %1 on %2, macro %3 -> %4")
                          .arg(q(config.model), q(config.dataset.name), q(macro.name),
                               request.run_file));
    auto log = [this, id](const QString& line) { Q_EMIT jobLog(id, line); };
    JobPipelineObserver observer(
        id, [this](const JobProgress& p) { Q_EMIT jobProgress(p); },
        [&](const StageSummary& s) {
          Q_EMIT runStageRecorded(stageData(run, s, config, macro, log));
        },
        log);
    const PipelineResult r = cimscope::runPipeline(config, run, request.resume, observer, cancel);
    for (const auto& w : r.warnings) Q_EMIT jobLog(id, tr("warning: %1").arg(q(w)));
    JobOutcome out;
    out.job_id = id;
    out.cancelled = r.status == PipelineResult::Status::kCancelled;
    out.summary = tr("%1 stage(s) in %2%3, %4 s")
                      .arg(r.stages.size())
                      .arg(QFileInfo(request.run_file).fileName())
                      .arg(out.cancelled ? tr(", cancelled") : QString())
                      .arg(r.seconds, 0, 'f', 1);
    for (const auto& s : r.stages) {
      if (s.name == "stage2" && std::isfinite(s.accuracy)) out.test_accuracy = s.accuracy;
    }
    Q_EMIT jobFinished(out);
  });
}

void EngineWorker::openResultFile(const QString& path) {
  std::string format;
  try {
    const H5File f(path.toStdString(), H5File::Mode::kRead);
    format = f.stringAttribute("/", "format").value_or("");
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Opening %1").arg(path), QString::fromStdString(e.what()));
    return;
  }
  if (format == "cimscope-run") {
    openRunFile(path);
  } else if (format == "cimscope-sweep") {
    openSweepFile(path);
  } else if (format == "cimscope-adc-sweep") {
    openAdcSweepFile(path);
  } else {
    openCheckpoint(path);
  }
}

void EngineWorker::openAdcSweepFile(const QString& path) {
  try {
    const H5File f(path.toStdString(), H5File::Mode::kRead);
    const AdcSweepFile sweep = readAdcSweepFile(f);
    if (sweep.points.empty()) throw StoreError(path.toStdString() + ": the ADC sweep has no points");
    AdcSweepData d = adcFromFile(sweep, QFileInfo(path).fileName());
    // The macro it swept (its setup; adc_bits is the swept axis, stored as 0): lets the
    // accuracy-at-the-slider strip use the curve when only the ADC bits differ.
    if (const auto setup = f.stringAttribute("/", "setup")) {
      try {
        nlohmann::json m = nlohmann::json::parse(*setup).at("macro");
        m["adc_bits"] = sweep.points.front().adc_bits;
        d.macro = macroSpecFromJson(m, path.toStdString() + " setup macro");
        d.has_macro = true;
      } catch (const std::exception&) {
        d.has_macro = false;  // curves still shown; the strip just does not use them
      }
    }
    Q_EMIT adcSweepOpened(d);
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Opening %1").arg(path), QString::fromStdString(e.what()));
  }
}

void EngineWorker::openRunFile(const QString& path) {
  try {
    const std::string file = path.toStdString();
    const RunFileState state = readRunFile(file);
    const ExperimentConfig config =
        ExperimentConfig::fromJson(nlohmann::json::parse(state.config_json), file + " config");
    const MacroSpec macro = config.macro();
    RunOpened opened;
    opened.run_file = path;
    opened.config_json = q(state.config_json);
    opened.macro = macro;
    opened.model = q(config.model);
    opened.dataset = q(config.dataset.name);
    for (const auto& c : state.completed) opened.completed << q(c);
    Q_EMIT runOpened(opened);
    QStringList problems;
    for (const StageSummary& s : state.summaries) {
      Q_EMIT runStageRecorded(
          stageData(file, s, config, macro, [&](const QString& w) { problems << w; }));
    }
    if (!problems.isEmpty()) Q_EMIT status(tr("Opened %1 (%2)").arg(path, problems.join("; ")));
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Opening %1").arg(path), QString::fromStdString(e.what()));
  }
}

namespace {
SweepPointRow sweepRow(const MacroSpec& base, const std::vector<std::string>& axes,
                       const std::vector<std::string>& values_json) {
  SweepPointRow row;
  nlohmann::json m = macroSpecToJson(base);
  for (std::size_t i = 0; i < axes.size() && i < values_json.size(); ++i) {
    const nlohmann::json v = nlohmann::json::parse(values_json[i]);
    m[axes[i]] = v;
    row.parameter_values << (v.is_string() ? q(v.get<std::string>()) : q(v.dump()));
  }
  try {
    row.macro = macroSpecFromJson(m, "sweep point");
  } catch (const std::exception&) {
    row.macro = base;  // an impossible point (it failed); selecting it keeps the macro
  }
  return row;
}
}  // namespace

void EngineWorker::openSweepFile(const QString& path) {
  try {
    const H5File f(path.toStdString(), H5File::Mode::kRead);
    const SweepFile sweep = readSweepFile(f);
    MacroSpec base;
    try {
      base = ExperimentConfig::fromJson(nlohmann::json::parse(sweep.config_json), "sweep config")
                 .macro();
    } catch (const std::exception&) {
      // Without its config the points still show; their macros start from the defaults.
    }
    SweepData d;
    d.source = QFileInfo(path).fileName();
    for (const auto& a : sweep.axes) d.parameter_names << q(a);
    for (const SweepFileRow& r : sweep.rows) {
      if (!r.ok) continue;
      SweepPointRow row = sweepRow(base, sweep.axes, r.values_json);
      row.accuracy = std::isfinite(r.accuracy) ? r.accuracy : -1;
      row.latency_us = r.latency_us;
      row.macros = r.macros;
      row.utilization = r.utilization;
      row.energy_pj = r.energy_pj;
      d.points.push_back(row);
    }
    Q_EMIT sweepOpened(d);
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Opening %1").arg(path), QString::fromStdString(e.what()));
  }
}

void EngineWorker::runStage2(const Stage2Request& request) {
  const int id = request.job_id;
  runJob(id, request.cancel, [&](const std::atomic<bool>& cancel) {
    Q_EMIT jobProgress(JobProgress{id, 0, tr("loading data"), q(request.data.name), -1});
    QatJob job;
    job.in_checkpoint = request.in_checkpoint;
    job.out_checkpoint = request.out_checkpoint;
    job.quant.macro = request.macro;
    job.adc_aware = request.adc_aware;
    job.quant.exclude_first_last = request.exclude_first_last;
    job.train.epochs = request.epochs;
    job.dataset_name = request.data.name;
    job.subset_train = request.data.subset_train;
    job.subset_test = request.data.subset_test;
    job.validate();
    const Dataset data = loadDataset(request.data);
    JobTrainObserver observer(
        id, cancel, [this](const JobProgress& p) { Q_EMIT jobProgress(p); },
        [this, id](const QString& line) { Q_EMIT jobLog(id, line); });
    const QatResult r = runQat(job, data, observer);
    for (const auto& w : r.warnings) Q_EMIT jobLog(id, tr("warning: %1").arg(q(w)));
    JobOutcome out;
    out.job_id = id;
    out.cancelled = r.train.status == TrainResult::Status::kCancelled;
    if (!out.cancelled) {
      out.test_accuracy = r.cim_eval.accuracy;
      out.summary = tr("Stage 2 done: accuracy %1 % with partial sums through the ADC "
                       "(%2 % weights/activations only), %3 % fewer weight bits%4 -> %5")
                        .arg(100 * r.cim_eval.accuracy, 0, 'f', 2)
                        .arg(100 * r.quantized_eval.accuracy, 0, 'f', 2)
                        .arg(100 * r.compression, 0, 'f', 1)
                        .arg(request.exclude_first_last
                                 ? tr(", first and last layers in float")
                                 : QString())
                        .arg(q(request.out_checkpoint));
      Stage2Result s2;
      s2.accuracy = r.cim_eval.accuracy;
      s2.stored_bits = r.stored_weight_bits;
      s2.compression = r.compression;  // vs float32 of the network it started from
      s2.first_last_in_float = request.exclude_first_last;
      s2.source = QFileInfo(q(request.out_checkpoint)).fileName();
      Q_EMIT stage2Ready(s2);
    } else {
      out.summary = tr("cancelled");
    }
    Q_EMIT jobFinished(out);
  });
}

namespace {
class JobSweepObserver : public SweepObserver {
 public:
  explicit JobSweepObserver(std::function<bool(const SweepPoint&, std::int64_t, std::int64_t)> f)
      : f_(std::move(f)) {}
  bool onPoint(const SweepPoint& p, std::int64_t done, std::int64_t total) override {
    return f_(p, done, total);
  }

 private:
  std::function<bool(const SweepPoint&, std::int64_t, std::int64_t)> f_;
};
}  // namespace

void EngineWorker::runSweep(const SweepRequest& request) {
  const int id = request.job_id;
  runJob(id, request.cancel, [&](const std::atomic<bool>& cancel) {
    const ExperimentConfig config =
        ExperimentConfig::fromJson(nlohmann::json::parse(request.config_json), "sweep config");
    config.validate();
    const MacroSpec base = config.macro();
    std::vector<std::string> axes;
    SweepData empty;
    empty.source = QFileInfo(request.out).fileName();
    for (const auto& [field, values] : config.sweep.axes) {
      axes.push_back(field);
      empty.parameter_names << q(field);
    }
    Q_EMIT sweepStarted(empty);
    QElapsedTimer since;
    since.start();
    JobSweepObserver observer([&](const SweepPoint& p, std::int64_t done, std::int64_t total) {
      if (p.ok) {
        std::vector<std::string> values;
        for (const auto& v : p.values) values.push_back(v.dump());
        SweepPointRow row = sweepRow(base, axes, values);
        row.accuracy = std::isfinite(p.accuracy) ? p.accuracy : -1;
        row.latency_us = p.totals.latency_us;
        row.macros = p.totals.macros;
        row.utilization = p.totals.utilization;
        row.energy_pj = p.totals.energy_pj;
        Q_EMIT sweepPointReady(row);  // a point appears when it is done
      }
      if (done == total || since.elapsed() >= kProgressIntervalMs) {
        since.restart();
        Q_EMIT jobProgress(JobProgress{id, double(done) / std::max<std::int64_t>(1, total),
                                       tr("point %1/%2").arg(done).arg(total), {}, -1});
      }
      return !cancel.load();
    });
    const SweepResult r = cimscope::runSweep(config, request.out.toStdString(), false, observer);
    JobOutcome out;
    out.job_id = id;
    out.cancelled = r.cancelled;
    out.summary = tr("%1 of %2 point(s) (%3 failed) in %4, %5 s")
                      .arg(r.evaluated)
                      .arg(r.total)
                      .arg(r.failed)
                      .arg(QFileInfo(request.out).fileName())
                      .arg(r.seconds, 0, 'f', 1);
    Q_EMIT jobFinished(out);
  });
}

void EngineWorker::quickEvaluate(const QuickEvalRequest& request) {
  const int id = request.job_id;
  runJob(id, request.cancel, [&](const std::atomic<bool>& cancel) {
    request.data.validate();
    // Sliders move often: the data set is read once and reused while its config stays.
    const std::string key = request.data.name + "|" + request.data.data_dir + "|" +
                            std::to_string(request.data.subset_train) + "|" +
                            std::to_string(request.data.subset_test) + "|" +
                            std::to_string(request.data.seed) + "|" +
                            std::to_string(request.data.synthetic_train) + "|" +
                            std::to_string(request.data.synthetic_test);
    if (!eval_data_ || eval_data_key_ != key) {
      eval_data_.reset();
      eval_data_ = std::make_unique<Dataset>(loadDataset(request.data));
      eval_data_key_ = key;
    }
    QuickEvalConfig config;
    config.checkpoint = request.checkpoint;
    config.macro = request.macro;
    const QuickEvalResult r = cimscope::quickEvaluate(config, *eval_data_, cancel);
    QuickEvalOutcome out;
    out.job_id = id;
    out.cancelled = r.cancelled;
    out.accuracy = r.cancelled ? -1 : r.accuracy;
    out.images = r.images;
    out.trained_quantization = r.trained_quantization;
    out.seconds = r.seconds;
    out.macro = request.macro;
    out.checkpoint = q(request.checkpoint);
    Q_EMIT quickEvaluated(out);
    Q_EMIT jobFinished(JobOutcome{id, r.cancelled,
                                  r.cancelled ? tr("quick evaluation cancelled")
                                              : tr("quick evaluation: %1 % on %2 test images")
                                                    .arg(100 * r.accuracy, 0, 'f', 2)
                                                    .arg(r.images),
                                  {}, out.accuracy});
  });
}

}  // namespace cimscope
