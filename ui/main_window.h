#pragma once

#include <QMainWindow>
#include <QMap>
#include <functional>
#include <string>

#include "ui/design_report_writer.h"
#include "ui/ui_types.h"

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QTabWidget;

namespace cimscope {

class AdcAccuracyChart;
class DatasetBrowserPanel;
class EngineHost;
class ExplorerModel;
class ImportanceChart;
class JobsPanel;
class MacroPanel;
class ModelPanel;
class OccupancyPanel;
class QuickEvaluator;
class SliderAccuracyBar;
class SummaryPanel;
class SweepExplorerPanel;

// The main window wires panels, menus and the engine workers together; it holds no logic of
// its own (STYLE.md rule 4). Two engine threads: one for browsing and files (fast answers), one
// for jobs (training), so a running job never delays opening a file.
class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  DatasetBrowserPanel* datasetBrowser() const { return dataset_browser_; }
  MacroPanel* macroPanel() const { return macro_panel_; }
  ModelPanel* modelPanel() const { return model_panel_; }
  OccupancyPanel* occupancyPanel() const { return occupancy_; }
  SummaryPanel* summaryPanel() const { return summary_; }
  JobsPanel* jobsPanel() const { return jobs_panel_; }
  ExplorerModel* explorerModel() const { return model_; }
  QAction* runAction(JobKind kind) const { return run_actions_.value(kind); }

  // Tab names for --tab and the screenshot script: occupancy, summary, importance, adc, sweep,
  // datasets.
  static QStringList tabNames();
  bool selectTab(const QString& name);
  // Brings the left dock NAME to the front (--dock): "macro" or "model"; false when unknown.
  bool raiseDock(const QString& name);
  // The widget File > Export renders for the current tab.
  QWidget* exportTarget() const;

  // Saves a PNG of the window once it has settled (data sets listed, presets and the last
  // checkpoint loaded, the sample grid filled on the Datasets tab; at most 60 s), then quits.
  void saveScreenshotWhenReady(const QString& path);
  // The same wait, then writes the design-point report PDF and quits.
  void exportReportWhenReady(const QString& path);

  // Opens a file by its kind: .h5 checkpoint, .json macro spec.
  void openFile(const QString& path);
  void openCheckpoint(const QString& path);

  // The experiment config of Run > Full pipeline: resources/configs/quick.json or full.json with
  // the panels' model, widths, data set and macro over the preset's (the user's state wins).
  // Throws ConfigError when the result is not a valid config.
  std::string pipelineConfigJson(bool quick) const;
  // Starts runPipeline on the jobs thread into `run_file`; returns the job id. The tabs fill as
  // the stages are recorded.
  int startPipeline(const std::string& config_json, const QString& run_file);
  // File > Export > Experiment config: pipelineConfigJson (quick or full as the Model and data
  // panel says) written to `path` on the files thread (fileWritten / failed follow). Throws
  // ConfigError when the panels do not make a valid config.
  void exportConfig(const QString& path);
  // File > Export > Design-point report: one PDF page with the macro, the summary and the
  // charts. Returns "" on success, else the reason.
  QString exportReport(const QString& path);
  DesignReportContent designReport() const;
  // The run file the window shows ("" when none): a pipeline's, or one that was opened.
  QString currentRunFile() const { return current_run_; }
  ImportanceChart* importanceChart() const { return importance_; }
  AdcAccuracyChart* adcChart() const { return adc_chart_; }
  SweepExplorerPanel* sweepExplorer() const { return sweep_; }
  QuickEvaluator* quickEvaluator() const { return evaluator_; }
  SliderAccuracyBar* sliderAccuracyBar() const { return slider_accuracy_; }
  // First launch with no stored results starts the quick pipeline; main() turns it off for
  // --open / --screenshot, tests with CIMSCOPE_NO_FIRST_LAUNCH=1.
  void setFirstLaunchEnabled(bool enabled) { first_launch_enabled_ = enabled; }
  // Where resources/configs/<name> is ("" if nowhere): $CIMSCOPE_RESOURCES_DIR/configs,
  // <exe>/../share/cimscope/configs, the source tree.
  static QString findConfigPreset(const QString& name);
  // The jobs dock's height on a first start (no saved layout) in a window this tall, pixels.
  static int defaultJobsDockHeight(int window_height);
  QDockWidget* jobsDock() const { return jobs_dock_; }

 public Q_SLOTS:
  // Hooks for results whose engine APIs are being built (Stage 1 importance, ADC sweep, design
  // sweep): an adapter turns the engine's result into these plain structs.
  void showImportance(const cimscope::ImportanceData& data);
  void showAdcSweep(const cimscope::AdcSweepData& data);
  void showSweep(const cimscope::SweepData& data);

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  void createDocks();
  void createMenus();
  void createRunActions(QMenu* run);
  void connectEngine();
  void restoreSettings();
  void showAbout();
  void onFailed(const QString& what, const QString& message);
  void onMappingChanged();
  void startTrainBaseline();
  void startStage1();
  void startAdcSweep();
  void startStage2();
  void startFullPipeline();
  void startSweep();
  void onRunOpened(const cimscope::RunOpened& run);
  void onRunStage(const cimscope::RunStageData& stage);
  // A new project (run or checkpoint): stored results of the old one no longer apply.
  void resetSliderAccuracy();
  // The checkpoint quick evaluations use: the newest stage wins (0 baseline, 1 Stage 1,
  // 2 Stage 2), on `data`.
  void offerQuickCheckpoint(const QString& path, int rank, const DatasetConfig& data);
  // The open checkpoint, or "" after telling the user a job needs one.
  QString requireCheckpoint(const QString& job);
  // Stage 2 / ADC sweep input: the Stage 1 file when one is known, else requireCheckpoint().
  QString stageInput(const QString& job);
  void showAdaptedCheckpoint(const CheckpointSummary& s);
  // The first launch (no stored results) starts the quick pipeline so every tab fills within
  // minutes while the user watches.
  void maybeStartFirstLaunchPipeline();
  void exportCurrentView();
  void exportMappingJson();
  void exportConfigDialog();
  // Runs `then` once the window has settled (see saveScreenshotWhenReady).
  void whenSettled(const std::function<void()>& then);
  void exportReportDialog();
  void saveMacroJson();
  void addRecent(const QString& path);
  void rebuildRecentMenu();

  EngineHost* engine_;       // browsing and files
  EngineHost* jobs_engine_;  // long jobs
  ExplorerModel* model_;
  QTabWidget* tabs_;
  DatasetBrowserPanel* dataset_browser_;
  MacroPanel* macro_panel_;
  ModelPanel* model_panel_;
  OccupancyPanel* occupancy_;
  SummaryPanel* summary_;
  ImportanceChart* importance_;
  AdcAccuracyChart* adc_chart_;
  QWidget* adc_tab_;  // the chart above the accuracy-at-the-slider strip
  QuickEvaluator* evaluator_;
  SliderAccuracyBar* slider_accuracy_;
  int quick_rank_ = -1;        // rank of the checkpoint quick evaluations use (-1: none)
  MacroSpec run_macro_;        // the macro the open run (or the last Stage 2 job) ran on
  DatasetConfig run_data_;     // the open run's data set
  bool run_first_last_in_float_ = false;  // the open run's stage2.exclude_first_last
  SweepExplorerPanel* sweep_;
  JobsPanel* jobs_panel_;
  QDockWidget* jobs_dock_ = nullptr;
  bool docks_sized_ = false;
  QMenu* recent_menu_ = nullptr;
  QMenu* view_menu_ = nullptr;
  QMap<JobKind, QAction*> run_actions_;
  QLabel* status_mapping_;
  QLabel* status_version_;
  bool first_listing_ = true;
  bool presets_listed_ = false;
  bool checkpoint_pending_ = false;
  bool first_launch_enabled_ = true;
  QString current_run_;
  // The Stage 1 network's file once one is known (a run's stage1 file, an opened Stage 1 / 2
  // checkpoint's): what Stage 2 and ADC sweep jobs start from. "" otherwise (they start from
  // the baseline checkpoint).
  QString stage1_file_;
  bool showing_adapted_ = false;  // the Summary shows an opened adapted checkpoint's chain
  QString sweep_file_pending_;  // the .h5 being opened, for the recent list
  QStringList recorded_lines_;  // the run file's recorded stages, under the summary table
};

}  // namespace cimscope
