#pragma once

#include <QImage>
#include <QMetaType>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/adapt/adc_sweep.h"
#include "engine/adapt/morph_config.h"
#include "engine/adapt/trainer.h"
#include "engine/cim/macro_preset.h"
#include "engine/cim/macro_spec.h"
#include "engine/data/dataset_catalog.h"
#include "engine/nn/spec/network_spec.h"
#include "engine/store/checkpoint_lineage.h"

namespace cimscope {

// What the dataset browser asks the worker for.
struct SampleRequest {
  QString dataset;      // catalog name
  bool test_split = false;
  int class_filter = -1;  // -1: every class; otherwise only this class index
  int max_samples = 120;  // images in the grid
};

// What comes back: plain values, no engine objects (STYLE.md rule 10).
struct SampleGrid {
  QString dataset;
  bool test_split = false;
  int class_filter = -1;
  qint64 split_size = 0;   // samples in the whole split
  QStringList class_names;
  QVector<QImage> images;  // grayscale or RGB, native resolution
  QVector<int> labels;     // class index per image
  QString source;          // folder the data came from
};

// ---- Jobs -------------------------------------------------------------------------------------

// A job's cancellation token: created by the GUI, set straight from the GUI thread (STYLE.md
// rule 9), polled by the engine between batches. Shared so a queued job can be cancelled before
// it starts.
using CancelToken = std::shared_ptr<std::atomic<bool>>;

// Which job a Run action starts. The ones without an engine call yet are disabled in the menu.
enum class JobKind { kTrainBaseline, kStage1, kStage2, kAdcSweep, kFullPipeline, kSweep };
QString jobKindTitle(JobKind kind);

// Train a float baseline (engine/adapt/trainer.h trainNetwork).
struct BaselineTrainRequest {
  int job_id = 0;
  CancelToken cancel;
  TrainJob job;          // network, training config, output checkpoint
  DatasetConfig data;    // what to load (subsets included)
};

// Stage 1 morphing (engine/adapt/morph.h runMorph) from the open baseline checkpoint.
struct Stage1Request {
  int job_id = 0;
  CancelToken cancel;
  MorphConfig config;  // in_checkpoint, out_checkpoint, macro, epochs
  DatasetConfig data;
};

// Accuracy vs ADC bits (engine/adapt/adc_sweep.h runAdcSweep) from the open checkpoint.
struct AdcSweepRequest {
  int job_id = 0;
  CancelToken cancel;
  AdcSweepJob job;
  DatasetConfig data;
};

// The whole pipeline (engine/jobs/pipeline.h runPipeline) of one experiment config. The config
// travels as its JSON (ExperimentConfig::toJson) so this header stays free of engine/jobs.
struct PipelineRequest {
  int job_id = 0;
  CancelToken cancel;
  std::string config_json;  // ExperimentConfig, already overridden by the panels
  QString run_file;         // the run HDF5 file (stage files beside it in <run>.stages/)
  bool resume = false;
};

// Stage 2 (engine/adapt/qat.h runQat) from the open checkpoint on the current macro.
struct Stage2Request {
  int job_id = 0;
  CancelToken cancel;
  std::string in_checkpoint;
  std::string out_checkpoint;
  MacroSpec macro;
  bool adc_aware = true;
  bool exclude_first_last = false;  // first and last weight layers kept in float, off the macro
  int epochs = 2;
  DatasetConfig data;
};

// A design-space sweep (engine/jobs/sweep_runner.h runSweep) of an experiment config.
struct SweepRequest {
  int job_id = 0;
  CancelToken cancel;
  std::string config_json;  // ExperimentConfig with its "sweep" section
  QString out;              // the sweep HDF5 file
};

// Accuracy at the slider position without retraining (engine/jobs/macro_evaluation.h
// quickEvaluate): the open checkpoint on the current macro, on a seeded test subset.
struct QuickEvalRequest {
  int job_id = 0;           // the evaluator's request number (not a Jobs panel entry)
  CancelToken cancel;       // set when a newer request arrives
  std::string checkpoint;
  MacroSpec macro;
  DatasetConfig data;       // subset_test: the test images evaluated
};
struct QuickEvalOutcome {
  int job_id = 0;
  bool cancelled = false;
  double accuracy = -1;     // 0..1; < 0 when cancelled
  qint64 images = 0;        // test images evaluated
  bool trained_quantization = false;  // the checkpoint's LSQ steps were trained (Stage 2)
  double seconds = 0;
  MacroSpec macro;          // the macro it ran on
  QString checkpoint;
};

// Stage 2's result as the Summary tab shows it (a run file's stage2 row, or a Stage 2 job).
struct Stage2Result {
  double accuracy = -1;      // 0..1 with partial sums through the ADC; < 0 not evaluated
  qint64 stored_bits = 0;    // weight bits stored: quantized layers at weight_bits, layers kept
                             // in float at 32; 0 unknown
  double compression = 0;    // 1 - stored_bits / (32 x float baseline weights)
  bool first_last_in_float = false;  // first and last layers kept in float, off the macro
  QString source;            // "stage2 of run.h5"
};

// Where a job stands; the worker sends at most ~10 per second per job (STYLE.md rule 12).
struct JobProgress {
  int job_id = 0;
  double fraction = 0;      // 0..1 of the whole job
  QString stage;            // "loading data", "epoch 2/3", ...
  QString message;          // one line: loss, accuracy, images/s
  double eta_seconds = -1;  // < 0: unknown
};

// How a job ended (an exception ends it through EngineWorker::jobFailed instead).
struct JobOutcome {
  int job_id = 0;
  bool cancelled = false;
  QString summary;          // one line for the log
  QString checkpoint;       // checkpoint written, "" if none
  double test_accuracy = -1;  // 0..1, < 0 if not measured
};

// ---- Results shown in the tabs ----------------------------------------------------------------

// What a checkpoint file holds that the summary needs (read on the engine thread).
struct CheckpointSummary {
  QString path;
  QString stage;              // "float", "stage1", "stage2"
  NetworkSpec network;        // the widths it was trained with
  QString dataset;            // data set it was trained on, "" if not recorded
  int epochs = 0;             // epochs completed
  double test_accuracy = -1;  // 0..1 after the last epoch, < 0 if not recorded
  QVector<double> test_accuracy_curve;  // per epoch, 0..1
  QString created;            // ISO 8601
  // Set when the figures were not read from `path` but from an adapted checkpoint's records
  // (its baseline as /morph stores it): that file's name. `path` is "" if the baseline's file
  // is not there.
  QString recorded_in;
  // The macro the network was adapted to: a Stage 2 checkpoint's quantization macro, a Stage 1
  // one's morph macro (its array and packing). has_macro false for a float checkpoint.
  bool has_macro = false;
  MacroSpec macro;
  // A Stage 1 / Stage 2 checkpoint's chain (its baseline, its Stage 1 network), as its records
  // say; has_lineage false for a float checkpoint.
  bool has_lineage = false;
  CheckpointLineage lineage;
};

// Per-layer importance for the Layer importance tab. Filled by an adapter from Stage 1's result
// (engine/adapt/importance*.h) once that exists.
struct LayerImportanceRow {
  QString layer;              // layer name
  double importance = 0;      // sum of |gamma| over the layer's channels (or as the engine defines)
  int macros = 0;             // tiles/macros the layer costs on the current macro
  QVector<double> channels;   // per-channel |gamma| (optional; shown on selection)
};
struct ImportanceData {
  QString source;             // "stage1 of run.h5", shown under the chart
  QVector<LayerImportanceRow> layers;
  bool isEmpty() const { return layers.isEmpty(); }
};

// One curve of the Accuracy-vs-ADC-bits tab: accuracy (0..1) at each ADC resolution.
struct AdcCurve {
  QString name;               // "Float", "W/A-quantized", "ADC-unaware", "ADC-aware"
  QVector<QPointF> points;    // x: ADC bits, y: accuracy 0..1
};
struct AdcSweepData {
  QString source;             // file the sweep came from
  QVector<AdcCurve> curves;   // a flat reference (float, W/A) may be a single point: drawn as a line
  bool has_macro = false;     // the sweep's macro is known: its fields but adc_bits held fixed
  MacroSpec macro;
  bool isEmpty() const { return curves.isEmpty(); }
};

// One point of a design-space sweep (Sweep explorer tab).
struct SweepPointRow {
  QStringList parameter_values;  // one per SweepData::parameter_names, as text
  MacroSpec macro;               // the design point's macro (loaded into the panel on selection)
  double accuracy = -1;          // 0..1, < 0 if not evaluated
  double latency_us = 0;
  std::int64_t macros = 0;
  double utilization = 0;        // 0..1
  double energy_pj = 0;
};
struct SweepData {
  QString source;
  QStringList parameter_names;   // e.g. "rows", "cols", "adc_bits"
  QVector<SweepPointRow> points;
  bool isEmpty() const { return points.isEmpty(); }
};

// One stage of a run file, as recorded (engine/store/run_file.h StageSummary) plus what the tabs
// need from the stage's own results. Sent when a pipeline records a stage and for every stage
// of a run file that is opened.
struct RunStageData {
  QString run_file;
  QString name;               // "baseline", "stage1", "stage2", "stage2_unaware", "adc_sweep"
  QString stage_file;         // <run>.stages/<name>.h5
  double accuracy = -1;       // 0..1; < 0 not evaluated
  qint64 params = 0;
  qint64 weights = 0;
  qint64 stored_bits = 0;     // weight bits stored (quantized layers at weight_bits, float: 32)
  qint64 macros = 0;
  double utilization = 0;
  qint64 weight_load_cycles_per_inference = 0;
  qint64 latency_cycles = 0;
  double energy_pj = 0;
  double compression = 0;     // 1 - stored_bits / (32 x baseline weights), as recorded
  double seconds = 0;
  bool has_network = false;   // network: the stage's widths (baseline, stage1)
  NetworkSpec network;
  QString dataset;            // the run's data set
  int epochs = 0;             // baseline: epochs recorded in its checkpoint
  ImportanceData importance;  // stage1: its importance (empty otherwise)
  AdcSweepData adc;           // adc_sweep: the curves (empty otherwise)
};

// A run file was opened: its config (and the macro it ran on) before its stages arrive.
struct RunOpened {
  QString run_file;
  QString config_json;
  MacroSpec macro;
  QString model;
  QString dataset;
  QStringList completed;
};

// Registers every type that crosses threads in a queued signal. Call once before connecting.
void registerUiMetaTypes();

// Registers the icons in resources/cimscope.qrc: a resource compiled into a static library is
// only linked in when someone calls its initializer.
void initUiResources();

}  // namespace cimscope

Q_DECLARE_METATYPE(cimscope::SampleRequest)
Q_DECLARE_METATYPE(cimscope::SampleGrid)
Q_DECLARE_METATYPE(std::vector<cimscope::DatasetInfo>)
Q_DECLARE_METATYPE(cimscope::BaselineTrainRequest)
Q_DECLARE_METATYPE(cimscope::Stage1Request)
Q_DECLARE_METATYPE(cimscope::AdcSweepRequest)
Q_DECLARE_METATYPE(cimscope::JobProgress)
Q_DECLARE_METATYPE(cimscope::JobOutcome)
Q_DECLARE_METATYPE(cimscope::CheckpointSummary)
Q_DECLARE_METATYPE(cimscope::ImportanceData)
Q_DECLARE_METATYPE(cimscope::AdcSweepData)
Q_DECLARE_METATYPE(cimscope::SweepData)
Q_DECLARE_METATYPE(cimscope::MacroSpec)
Q_DECLARE_METATYPE(std::vector<cimscope::MacroPreset>)
Q_DECLARE_METATYPE(cimscope::SweepPointRow)
Q_DECLARE_METATYPE(cimscope::NetworkSpec)
Q_DECLARE_METATYPE(cimscope::PipelineRequest)
Q_DECLARE_METATYPE(cimscope::Stage2Request)
Q_DECLARE_METATYPE(cimscope::SweepRequest)
Q_DECLARE_METATYPE(cimscope::RunStageData)
Q_DECLARE_METATYPE(cimscope::RunOpened)
Q_DECLARE_METATYPE(cimscope::QuickEvalRequest)
Q_DECLARE_METATYPE(cimscope::QuickEvalOutcome)
Q_DECLARE_METATYPE(cimscope::Stage2Result)
