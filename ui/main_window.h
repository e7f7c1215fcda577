#pragma once

#include <QMainWindow>
#include <QMap>

#include "ui/ui_types.h"

class QAction;
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
  // The widget File > Export renders for the current tab.
  QWidget* exportTarget() const;

  // Saves a PNG of the window once it has settled (data sets listed, presets and the last
  // checkpoint loaded, the sample grid filled on the Datasets tab; at most 60 s), then quits.
  void saveScreenshotWhenReady(const QString& path);

  // Opens a file by its kind: .h5 checkpoint, .json macro spec.
  void openFile(const QString& path);
  void openCheckpoint(const QString& path);

 public Q_SLOTS:
  // Hooks for results whose engine APIs are being built (Stage 1 importance, ADC sweep, design
  // sweep): an adapter turns the engine's result into these plain structs.
  void showImportance(const cimscope::ImportanceData& data);
  void showAdcSweep(const cimscope::AdcSweepData& data);
  void showSweep(const cimscope::SweepData& data);

 protected:
  void closeEvent(QCloseEvent* event) override;
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
  // The open checkpoint, or "" after telling the user a job needs one.
  QString requireCheckpoint(const QString& job);
  // The first launch (no stored results) should start the quick pipeline so every tab fills
  // within minutes. HOOK: needs engine/jobs runPipeline(); until then it only says so.
  void maybeStartFirstLaunchPipeline();
  void exportCurrentView();
  void exportMappingJson();
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
  SweepExplorerPanel* sweep_;
  JobsPanel* jobs_panel_;
  QMenu* recent_menu_ = nullptr;
  QMenu* view_menu_ = nullptr;
  QMap<JobKind, QAction*> run_actions_;
  QLabel* status_mapping_;
  QLabel* status_version_;
  bool first_listing_ = true;
  bool presets_listed_ = false;
  bool checkpoint_pending_ = false;
};

}  // namespace cimscope
