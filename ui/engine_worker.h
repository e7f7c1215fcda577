#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

#include "engine/cim/macro_preset.h"
#include "ui/ui_types.h"

namespace cimscope {

struct Dataset;

// Runs engine work on the engine thread (STYLE.md rule 11): a long-lived QThread owns this
// object; jobs start by queued signal, results return as signals carrying plain structs, and
// every slot catches std::exception and emits failed() / jobFailed(). Cancellation is an atomic
// token set straight from the GUI thread: the worker-wide one (requestCancel) for browsing, a
// per-job CancelToken for jobs.
class EngineWorker : public QObject {
  Q_OBJECT

 public:
  explicit EngineWorker(QObject* parent = nullptr);
  ~EngineWorker() override;

  // Called from any thread; the running browse request stops at its next check.
  void requestCancel() { cancel_.store(true); }

  // Minimum time between two progress signals of one job, ms (10 Hz, STYLE.md rule 12).
  static constexpr int kProgressIntervalMs = 100;

 public Q_SLOTS:
  void listDatasets();
  void loadSamples(const cimscope::SampleRequest& request);

  // Jobs: each ends with exactly one of jobFinished / jobFailed.
  void trainBaseline(const cimscope::BaselineTrainRequest& request);
  void runStage1(const cimscope::Stage1Request& request);
  void runAdcSweep(const cimscope::AdcSweepRequest& request);
  void runStage2(const cimscope::Stage2Request& request);
  // The whole pipeline into a run file; every recorded stage arrives as runStageRecorded.
  void runPipeline(const cimscope::PipelineRequest& request);
  // A design-space sweep; every finished point arrives as sweepPointReady.
  void runSweep(const cimscope::SweepRequest& request);

  // Accuracy of the checkpoint on request.macro without retraining; ends with quickEvaluated
  // and jobFinished (or jobFailed). Keeps the last data set loaded for the next request.
  void quickEvaluate(const cimscope::QuickEvalRequest& request);

  // Files (HDF5 is read on the engine thread only, DESIGN.md section 3).
  void openCheckpoint(const QString& path);
  // A run file (cimscope-cli run, Full pipeline): runOpened, then one runStageRecorded per stage.
  void openRunFile(const QString& path);
  // Any .h5: dispatches on its format to openRunFile, openSweepFile, openAdcSweepFile or
  // openCheckpoint.
  void openResultFile(const QString& path);
  // An ADC sweep file (cimscope-cli adc-sweep): adcSweepOpened with both curves.
  void openAdcSweepFile(const QString& path);
  // A sweep file (cimscope-cli sweep): sweepOpened with every point.
  void openSweepFile(const QString& path);
  void exportMappingJson(const cimscope::NetworkSpec& network, const cimscope::MacroSpec& macro,
                         const QString& path);
  void saveMacroSpec(const cimscope::MacroSpec& macro, const QString& path);
  // An experiment config (ExperimentConfig JSON text) to `path` in the format
  // `cimscope-cli run --config` reads, after checking it parses and validates.
  void writeExperimentConfig(const QString& config_json, const QString& path);
  void listMacroPresets();
  void loadMacroFile(const QString& path);

 Q_SIGNALS:
  void datasetsListed(const std::vector<cimscope::DatasetInfo>& datasets);
  void samplesLoaded(const cimscope::SampleGrid& grid);
  void failed(const QString& what, const QString& message);
  void status(const QString& message);

  void jobStarted(int job_id);
  void jobProgress(const cimscope::JobProgress& progress);
  void jobLog(int job_id, const QString& line);
  void jobFinished(const cimscope::JobOutcome& outcome);
  void jobFailed(int job_id, const QString& message);

  // Results as they stream: every Stage 1 step's importance, the adapted network, the ADC sweep
  // after every point.
  void importanceReady(const cimscope::ImportanceData& data);
  void stage1Ready(const cimscope::NetworkSpec& adapted, double accuracy);
  void adcSweepUpdated(const cimscope::AdcSweepData& data);

  void stage2Ready(const cimscope::Stage2Result& result);
  void quickEvaluated(const cimscope::QuickEvalOutcome& outcome);
  void runOpened(const cimscope::RunOpened& run);
  void runStageRecorded(const cimscope::RunStageData& stage);
  void sweepStarted(const cimscope::SweepData& empty);  // parameter names, no points yet
  void sweepPointReady(const cimscope::SweepPointRow& point);
  void sweepOpened(const cimscope::SweepData& data);
  void adcSweepOpened(const cimscope::AdcSweepData& data);

  void checkpointOpened(const cimscope::CheckpointSummary& summary);
  void fileWritten(const QString& path);
  void macroPresetsListed(const std::vector<cimscope::MacroPreset>& presets);
  void macroLoaded(const cimscope::MacroSpec& macro, const QString& path);

 private:
  // The frame of every job slot: a job cancelled while queued never starts; otherwise
  // jobStarted, then `body`, and any exception becomes jobFailed (STYLE.md rule 11).
  void runJob(int id, const CancelToken& token,
              const std::function<void(const std::atomic<bool>&)>& body);

  std::atomic<bool> cancel_{false};
  // The last data set loaded, so flipping splits or classes does not re-read the files.
  std::unique_ptr<Dataset> cached_;
  // The quick evaluation's data set and the config it was loaded with (as JSON-free text key).
  std::unique_ptr<Dataset> eval_data_;
  std::string eval_data_key_;
};

}  // namespace cimscope
