#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QChartView>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScrollArea>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "engine/cim/macro_spec_json.h"
#include "engine/common/version.h"
#include "engine/jobs/experiment_config.h"
#include "engine/nn/runtime_info.h"
#include "ui/charts/adc_accuracy_chart.h"
#include "ui/charts/importance_chart.h"
#include "ui/charts/occupancy_view.h"
#include "ui/charts/sweep_scatter_chart.h"
#include "ui/design_report_writer.h"
#include "ui/engine_host.h"
#include "ui/engine_worker.h"
#include "ui/explorer_model.h"
#include "ui/export_helper.h"
#include "ui/preference.h"
#include "ui/quick_evaluator.h"
#include "ui/widgets/dataset_browser_panel.h"
#include "ui/widgets/export_dialog.h"
#include "ui/widgets/jobs_panel.h"
#include "ui/widgets/macro_panel.h"
#include "ui/widgets/model_panel.h"
#include "ui/widgets/occupancy_panel.h"
#include "ui/widgets/slider_accuracy_bar.h"
#include "ui/widgets/summary_panel.h"
#include "ui/widgets/sweep_explorer_panel.h"

namespace cimscope {

namespace {
const Preference<QByteArray> kGeometry{"window/geometry", {}};
const Preference<QByteArray> kWindowState{"window/state", {}};
const Preference<int> kTab{"window/tab", 0};
const Preference<QString> kLastDataset{"data/lastDataset", "fashion-mnist"};
const Preference<QString> kMacroJson{"macro/spec", {}};
const Preference<QString> kModelTemplate{"model/template", "resnet20"};
const Preference<QString> kModelDataset{"model/dataset", "fashion-mnist"};
const Preference<bool> kQuickPreset{"model/quick", true};
const Preference<bool> kFirstLastInFloat{"stage2/first_last_in_float", false};
const Preference<QString> kLastProject{"project/last", {}};
const Preference<QStringList> kRecent{"project/recent", {}};
const Preference<bool> kFirstLaunchDone{"project/firstLaunchDone", false};
const Preference<QString> kExportDir{"export/dir", {}};

QString stamp() { return QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"); }

QString runsDir() {
  const QString d = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/runs";
  QDir().mkpath(d);
  return d;
}
}  // namespace

QStringList MainWindow::tabNames() {
  return {"occupancy", "summary", "importance", "adc", "sweep", "datasets"};
}

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      engine_(new EngineHost("cimscope-files", this)),
      jobs_engine_(new EngineHost("cimscope-jobs", this)),
      model_(new ExplorerModel(this)) {
  initUiResources();
  setWindowTitle(tr("cimscope — CIM design-space explorer"));
  setWindowIcon(QIcon(":/icons/cimscope.svg"));
  setAcceptDrops(true);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);

  tabs_ = new QTabWidget;
  tabs_->setObjectName("mainTabs");
  tabs_->setDocumentMode(true);
  occupancy_ = new OccupancyPanel(model_);
  summary_ = new SummaryPanel(model_);
  importance_ = new ImportanceChart;
  adc_chart_ = new AdcAccuracyChart;
  evaluator_ = new QuickEvaluator(this);
  slider_accuracy_ = new SliderAccuracyBar(evaluator_);
  adc_tab_ = new QWidget;
  adc_tab_->setObjectName("adcTab");
  {
    auto* l = new QVBoxLayout(adc_tab_);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(0);
    l->addWidget(adc_chart_, 1);
    l->addWidget(slider_accuracy_);
  }
  sweep_ = new SweepExplorerPanel;
  dataset_browser_ = new DatasetBrowserPanel;
  tabs_->addTab(occupancy_, tr("Macro occupancy"));
  tabs_->addTab(summary_, tr("Summary"));
  tabs_->addTab(importance_, tr("Layer importance"));
  tabs_->addTab(adc_tab_, tr("Accuracy vs ADC bits"));
  tabs_->addTab(sweep_, tr("Sweep explorer"));
  tabs_->addTab(dataset_browser_, tr("Datasets"));
  setCentralWidget(tabs_);

  status_mapping_ = new QLabel;
  status_mapping_->setObjectName("statusMapping");
  status_version_ = new QLabel(QString::fromStdString(versionLine()));
  createDocks();
  statusBar()->addPermanentWidget(status_mapping_);
  statusBar()->addPermanentWidget(status_version_);
  statusBar()->showMessage(tr("Looking for data sets ..."));
  createMenus();
  connectEngine();

  resize(1440, 900);
  restoreSettings();
  EngineWorker* worker = engine_->worker();
  QMetaObject::invokeMethod(worker, &EngineWorker::listDatasets, Qt::QueuedConnection);
  QMetaObject::invokeMethod(worker, &EngineWorker::listMacroPresets, Qt::QueuedConnection);
  QTimer::singleShot(0, this, &MainWindow::maybeStartFirstLaunchPipeline);
}

MainWindow::~MainWindow() = default;

void MainWindow::createDocks() {
  macro_panel_ = new MacroPanel;
  auto* scroll = new QScrollArea;
  scroll->setWidget(macro_panel_);
  scroll->setWidgetResizable(true);
  scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  scroll->setMinimumWidth(macro_panel_->sizeHint().width() + 24);
  auto* macro_dock = new QDockWidget(tr("Macro"), this);
  macro_dock->setObjectName("macroDock");
  macro_dock->setWidget(scroll);
  addDockWidget(Qt::LeftDockWidgetArea, macro_dock);

  model_panel_ = new ModelPanel;
  auto* model_dock = new QDockWidget(tr("Model and data"), this);
  model_dock->setObjectName("modelDock");
  model_dock->setWidget(model_panel_);
  addDockWidget(Qt::LeftDockWidgetArea, model_dock);
  tabifyDockWidget(macro_dock, model_dock);
  macro_dock->raise();

  jobs_panel_ = new JobsPanel;
  auto* jobs_dock = new QDockWidget(tr("Jobs"), this);
  jobs_dock->setObjectName("jobsDock");
  jobs_dock->setWidget(jobs_panel_);
  addDockWidget(Qt::BottomDockWidgetArea, jobs_dock);
  jobs_dock_ = jobs_dock;

  connect(macro_panel_, &MacroPanel::macroChanged, model_, &ExplorerModel::setMacro);
  connect(macro_panel_, &MacroPanel::macroChanged, this,
          [this](const MacroSpec& m) { adc_chart_->setCurrentAdcBits(m.adc_bits); });
  connect(macro_panel_, &MacroPanel::macroChanged, evaluator_, &QuickEvaluator::setMacro);
  connect(evaluator_, &QuickEvaluator::changed, this, [this](const SliderAccuracy& a) {
    const bool quick = a.kind == SliderAccuracy::Kind::kEvaluated;
    adc_chart_->setQuickPoint(a.adc_bits, quick ? a.accuracy : -1);
  });
  evaluator_->setMacro(macro_panel_->spec());
  connect(model_panel_, &ModelPanel::networkChanged, model_, &ExplorerModel::setNetwork);
  connect(model_, &ExplorerModel::mappingChanged, this, &MainWindow::onMappingChanged);
  connect(sweep_, &SweepExplorerPanel::macroSelected, macro_panel_, &MacroPanel::setSpec);
  model_->setMacro(macro_panel_->spec());
  model_->setNetwork(model_panel_->network());
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open..."));
  open->setShortcut(QKeySequence::Open);
  open->setToolTip(tr("Open a run file, sweep file or checkpoint (.h5), or a macro spec (.json)"));
  connect(open, &QAction::triggered, this, [this] {
    const QString p = QFileDialog::getOpenFileName(
        this, tr("Open"), QFileInfo(kLastProject.get()).absolutePath(),
        tr("cimscope files (*.h5 *.json);;Checkpoints (*.h5);;Macro specs (*.json)"));
    if (!p.isEmpty()) openFile(p);
  });
  recent_menu_ = file->addMenu(tr("Open &recent"));
  rebuildRecentMenu();
  QAction* save_macro = file->addAction(tr("&Save macro as JSON..."));
  save_macro->setShortcut(QKeySequence::Save);
  connect(save_macro, &QAction::triggered, this, &MainWindow::saveMacroJson);
  file->addSeparator();
  QMenu* exp = file->addMenu(tr("&Export"));
  QAction* export_view = exp->addAction(tr("Current &view as PNG, SVG or PDF..."));
  export_view->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  connect(export_view, &QAction::triggered, this, &MainWindow::exportCurrentView);
  connect(exp->addAction(tr("&Mapping as JSON...")), &QAction::triggered, this,
          &MainWindow::exportMappingJson);
  QAction* export_config = exp->addAction(tr("Experiment &config as JSON..."));
  export_config->setToolTip(tr("The panels' model, data set and macro over the quick or full "
                               "preset, as cimscope-cli run --config reads it"));
  connect(export_config, &QAction::triggered, this, &MainWindow::exportConfigDialog);
  QAction* export_report = exp->addAction(tr("Design-point &report (PDF)..."));
  export_report->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  export_report->setToolTip(tr("One page for tapeout reviews: macro spec, summary table, "
                               "occupancy, importance and accuracy-vs-ADC charts"));
  connect(export_report, &QAction::triggered, this, &MainWindow::exportReportDialog);
  file->addSeparator();
  QAction* refresh = file->addAction(tr("Re&scan data sets"));
  refresh->setShortcut(QKeySequence::Refresh);
  connect(refresh, &QAction::triggered, engine_->worker(), &EngineWorker::listDatasets);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"));
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, this, &QWidget::close);

  QMenu* run = menuBar()->addMenu(tr("&Run"));
  createRunActions(run);

  view_menu_ = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* d : findChildren<QDockWidget*>()) view_menu_->addAction(d->toggleViewAction());
  view_menu_->addSeparator();
  for (int i = 0; i < tabs_->count(); ++i) {
    QAction* a = view_menu_->addAction(tabs_->tabText(i));
    a->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
    connect(a, &QAction::triggered, this, [this, i] { tabs_->setCurrentIndex(i); });
  }

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  connect(help->addAction(tr("&About cimscope")), &QAction::triggered, this,
          &MainWindow::showAbout);
  connect(help->addAction(tr("About &Qt")), &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createRunActions(QMenu* run) {
  auto* toolbar = addToolBar(tr("Run"));
  toolbar->setObjectName("runToolbar");
  toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  struct Spec {
    JobKind kind;
    QKeySequence key;
    const char* missing;  // the engine part it waits for; nullptr = available
  };
  const Spec specs[] = {
      {JobKind::kTrainBaseline, QKeySequence(Qt::CTRL | Qt::Key_T), nullptr},
      {JobKind::kStage1, QKeySequence(Qt::CTRL | Qt::Key_1), nullptr},
      {JobKind::kStage2, QKeySequence(Qt::CTRL | Qt::Key_2), nullptr},
      {JobKind::kAdcSweep, QKeySequence(), nullptr},
      {JobKind::kFullPipeline, QKeySequence(Qt::CTRL | Qt::Key_R), nullptr},
      {JobKind::kSweep, QKeySequence(), nullptr},
  };
  for (const Spec& s : specs) {
    QAction* a = run->addAction(jobKindTitle(s.kind));
    a->setShortcut(s.key);
    a->setEnabled(s.missing == nullptr);
    a->setToolTip(s.missing ? tr("Not available in this build: waits for %1").arg(s.missing)
                  : s.kind == JobKind::kTrainBaseline
                      ? tr("Train the float baseline of the current model and data set "
                           "(training preset in Model and data)")
                  : s.kind == JobKind::kStage1
                      ? tr("CIM-aware morphing of the open checkpoint for the current macro: "
                           "shrink, prune, expand, fine-tune")
                  : s.kind == JobKind::kStage2
                      ? tr("ADC-aware quantization-aware training of the open checkpoint on the "
                           "current macro (partial sums through the ADC)")
                  : s.kind == JobKind::kFullPipeline
                      ? tr("Baseline, Stage 1, Stage 2 and the ADC sweep of the current model, "
                           "data set and macro into one run file (quick or full preset)")
                  : s.kind == JobKind::kSweep
                      ? tr("Design-space sweep around the current macro: rows x columns x ADC "
                           "bits, mapping and cost of every point")
                      : tr("Accuracy vs ADC bits (3..8) of the open checkpoint on the current "
                           "macro, ADC-unaware and ADC-aware"));
    toolbar->addAction(a);
    run_actions_.insert(s.kind, a);
  }
  connect(run_actions_.value(JobKind::kTrainBaseline), &QAction::triggered, this,
          &MainWindow::startTrainBaseline);
  connect(run_actions_.value(JobKind::kStage1), &QAction::triggered, this,
          &MainWindow::startStage1);
  connect(run_actions_.value(JobKind::kAdcSweep), &QAction::triggered, this,
          &MainWindow::startAdcSweep);
  connect(run_actions_.value(JobKind::kStage2), &QAction::triggered, this,
          &MainWindow::startStage2);
  connect(run_actions_.value(JobKind::kFullPipeline), &QAction::triggered, this,
          &MainWindow::startFullPipeline);
  connect(run_actions_.value(JobKind::kSweep), &QAction::triggered, this,
          &MainWindow::startSweep);
  run->addSeparator();
  toolbar->addSeparator();
  QAction* cancel = run->addAction(tr("&Cancel all jobs"));
  cancel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
  cancel->setEnabled(false);
  toolbar->addAction(cancel);
  connect(cancel, &QAction::triggered, jobs_panel_, &JobsPanel::cancelAll);
  connect(jobs_panel_, &JobsPanel::activeCountChanged, cancel,
          [cancel](int n) { cancel->setEnabled(n > 0); });
}

void MainWindow::connectEngine() {
  EngineWorker* worker = engine_->worker();
  connect(worker, &EngineWorker::datasetsListed, dataset_browser_,
          &DatasetBrowserPanel::setDatasets);
  connect(worker, &EngineWorker::datasetsListed, model_panel_, &ModelPanel::setDatasets);
  connect(worker, &EngineWorker::datasetsListed, this,
          [this](const std::vector<DatasetInfo>& list) {
            int found = 0;
            for (const auto& d : list) found += d.available ? 1 : 0;
            statusBar()->showMessage(tr("%1 of %2 data sets found").arg(found).arg(list.size()),
                                     5000);
            if (first_listing_) {
              first_listing_ = false;
              dataset_browser_->selectDataset(kLastDataset.get());
            }
          });
  connect(dataset_browser_, &DatasetBrowserPanel::sampleRequested, worker,
          &EngineWorker::loadSamples);
  connect(worker, &EngineWorker::samplesLoaded, dataset_browser_,
          &DatasetBrowserPanel::showSamples);
  connect(worker, &EngineWorker::samplesLoaded, this, [this](const SampleGrid& g) {
    statusBar()->showMessage(tr("%1: %2 images shown").arg(g.dataset).arg(g.images.size()), 5000);
  });
  connect(worker, &EngineWorker::status, this,
          [this](const QString& m) { statusBar()->showMessage(m); });
  connect(worker, &EngineWorker::failed, this, &MainWindow::onFailed);
  connect(worker, &EngineWorker::macroPresetsListed, this,
          [this](const std::vector<MacroPreset>& presets) {
            macro_panel_->setPresets(presets);
            presets_listed_ = true;
          });
  connect(worker, &EngineWorker::macroLoaded, this, [this](const MacroSpec& m, const QString& p) {
    macro_panel_->setSpec(m);
    addRecent(p);
    statusBar()->showMessage(tr("Macro loaded from %1").arg(p), 5000);
  });
  connect(worker, &EngineWorker::fileWritten, this,
          [this](const QString& p) { statusBar()->showMessage(tr("Wrote %1").arg(p), 8000); });
  connect(model_panel_, &ModelPanel::checkpointChosen, this, [this](const QString& p) {
    checkpoint_pending_ = true;
    QMetaObject::invokeMethod(engine_->worker(), "openCheckpoint", Qt::QueuedConnection,
                              Q_ARG(QString, p));
  });
  connect(model_panel_, &ModelPanel::checkpointCleared, model_,
          &ExplorerModel::clearBaselineCheckpoint);
  connect(worker, &EngineWorker::runOpened, this, &MainWindow::onRunOpened);
  connect(worker, &EngineWorker::runStageRecorded, this, &MainWindow::onRunStage);
  connect(worker, &EngineWorker::sweepOpened, this, [this](const SweepData& d) {
    checkpoint_pending_ = false;
    showSweep(d);
    if (!sweep_file_pending_.isEmpty()) addRecent(sweep_file_pending_);
    tabs_->setCurrentWidget(sweep_);
    statusBar()->showMessage(tr("Opened %1: %2 point(s)").arg(d.source).arg(d.points.size()), 5000);
  });
  connect(worker, &EngineWorker::adcSweepOpened, this, [this](const AdcSweepData& d) {
    checkpoint_pending_ = false;
    showAdcSweep(d);
    if (!sweep_file_pending_.isEmpty()) addRecent(sweep_file_pending_);
    tabs_->setCurrentWidget(adc_tab_);
    statusBar()->showMessage(tr("Opened ADC sweep %1").arg(d.source), 5000);
  });
  connect(worker, &EngineWorker::importanceReady, importance_, &ImportanceChart::setData);
  connect(worker, &EngineWorker::checkpointOpened, this, [this](const CheckpointSummary& s) {
    checkpoint_pending_ = false;
    // An adapted network's numbers belong to the macro it was adapted to (Stage 1: its packing).
    if (s.has_macro) macro_panel_->setSpec(s.macro);
    // A plain checkpoint is the project now (a run's own stage files keep the run).
    const bool run_stage = !current_run_.isEmpty() && s.path.startsWith(current_run_ + ".stages/");
    if (s.has_lineage && !run_stage) {
      showAdaptedCheckpoint(s);
    } else {
      if (showing_adapted_ && !run_stage) {
        // The chain of the adapted checkpoint shown before is not this network's.
        model_->clearStageResults();
        importance_->setData({});
        summary_->setRunNote({});
        stage1_file_.clear();
        showing_adapted_ = false;
      }
      model_panel_->showCheckpoint(s);
      model_->setBaselineCheckpoint(s);
    }
    if (!run_stage) {
      current_run_.clear();
      kLastProject.set(s.path);
      resetSliderAccuracy();
    }
    DatasetConfig data = model_panel_->datasetConfig();
    if (!s.dataset.isEmpty()) data.name = s.dataset.toStdString();
    offerQuickCheckpoint(s.path, s.stage == "stage2" ? 2 : s.stage == "stage1" ? 1 : 0, data);
    addRecent(s.path);
    statusBar()->showMessage(tr("Opened %1").arg(s.path), 5000);
  });

  EngineWorker* jobs = jobs_engine_->worker();
  connect(jobs, &EngineWorker::jobStarted, jobs_panel_, &JobsPanel::markStarted);
  connect(jobs, &EngineWorker::jobProgress, jobs_panel_, &JobsPanel::showProgress);
  connect(jobs, &EngineWorker::jobLog, jobs_panel_, &JobsPanel::appendLog);
  connect(jobs, &EngineWorker::jobFinished, jobs_panel_, &JobsPanel::finish);
  connect(jobs, &EngineWorker::jobFailed, jobs_panel_, &JobsPanel::fail);
  connect(jobs, &EngineWorker::jobFailed, this, [this](int id, const QString& message) {
    onFailed(tr("Job #%1").arg(id), message);
  });
  connect(jobs, &EngineWorker::importanceReady, importance_, &ImportanceChart::setData);
  connect(jobs, &EngineWorker::stage1Ready, model_, &ExplorerModel::setStage1Result);
  connect(jobs, &EngineWorker::adcSweepUpdated, this, &MainWindow::showAdcSweep);
  connect(jobs, &EngineWorker::stage2Ready, model_, &ExplorerModel::setStage2Result);
  connect(jobs, &EngineWorker::stage2Ready, this, [this](const Stage2Result& r) {
    evaluator_->setStage2(run_macro_, r.accuracy, r.source);
  });
  connect(jobs, &EngineWorker::runStageRecorded, this, &MainWindow::onRunStage);
  connect(jobs, &EngineWorker::sweepStarted, sweep_, &SweepExplorerPanel::setData);
  connect(jobs, &EngineWorker::sweepPointReady, sweep_, &SweepExplorerPanel::appendPoint);
  connect(jobs, &EngineWorker::sweepStarted, evaluator_, &QuickEvaluator::setSweep);
  connect(jobs, &EngineWorker::sweepPointReady, evaluator_, &QuickEvaluator::addSweepPoint);
  connect(jobs, &EngineWorker::jobFinished, this, [this](const JobOutcome& o) {
    statusBar()->showMessage(tr("Job #%1: %2").arg(o.job_id).arg(o.summary), 10000);
    // A new baseline becomes the open checkpoint (Stage 1 / ADC results stay beside it).
    if (!o.checkpoint.isEmpty()) {
      model_->clearStageResults();
      stage1_file_.clear();
      model_panel_->chooseCheckpoint(o.checkpoint);
    }
  });
}

void MainWindow::restoreSettings() {
  model_panel_->setTemplate(kModelTemplate.get());
  model_panel_->setDatasetName(kModelDataset.get());
  model_panel_->setQuickPreset(kQuickPreset.get());
  model_panel_->setStage2FirstLastInFloat(kFirstLastInFloat.get());
  const QString json = kMacroJson.get();
  if (!json.isEmpty()) {
    try {
      macro_panel_->setSpec(macroSpecFromJson(nlohmann::json::parse(json.toStdString()),
                                              "settings macro/spec"));
    } catch (const std::exception&) {
      // A stale or hand-edited setting: keep the reference macro.
    }
  }
  restoreGeometry(kGeometry.get());
  restoreState(kWindowState.get());
  tabs_->setCurrentIndex(std::clamp(kTab.get(), 0, tabs_->count() - 1));
  // Relaunch reopens the last project (its run file or checkpoint), read on the engine thread.
  const QString last = kLastProject.get();
  if (!last.isEmpty() && QFileInfo::exists(last)) openFile(last);
}

void MainWindow::maybeStartFirstLaunchPipeline() {
  const char* off = std::getenv("CIMSCOPE_NO_FIRST_LAUNCH");
  if (!first_launch_enabled_ || (off && *off && std::string(off) != "0")) return;
  if (kFirstLaunchDone.get() || !kLastProject.get().isEmpty()) return;
  kFirstLaunchDone.set(true);
  // The quick preset with the panels' defaults (resnet20, Fashion-MNIST, reference-256): every
  // tab fills within minutes while the user watches the jobs panel.
  try {
    startPipeline(pipelineConfigJson(true), runsDir() + "/quick-" + stamp() + ".h5");
    statusBar()->showMessage(
        tr("First launch: running the quick pipeline; the tabs fill as its stages finish"),
        15000);
  } catch (const std::exception& e) {
    onFailed(tr("First-launch pipeline"), QString::fromStdString(e.what()));
  }
}

QString MainWindow::findConfigPreset(const QString& name) {
  QStringList dirs;
  const QString env = qEnvironmentVariable("CIMSCOPE_RESOURCES_DIR");
  if (!env.isEmpty()) dirs << env + "/configs";
  dirs << QCoreApplication::applicationDirPath() + "/../share/cimscope/configs";
  // ui/main_window.cpp -> <source>/resources/configs (a build tree runs from the source).
  dirs << QFileInfo(QStringLiteral(__FILE__)).absolutePath() + "/../resources/configs";
  for (const QString& d : dirs) {
    const QString p = QDir(d).absoluteFilePath(name);
    if (QFileInfo::exists(p)) return QDir::cleanPath(p);
  }
  return {};
}

std::string MainWindow::pipelineConfigJson(bool quick) const {
  const QString preset = findConfigPreset(quick ? "quick.json" : "full.json");
  ExperimentConfig c =
      preset.isEmpty() ? ExperimentConfig::defaults() : ExperimentConfig::readFile(preset.toStdString());
  // The user's state wins over the preset: model, widths, data set and every macro field.
  const NetworkSpec net = model_->network();
  c.model = net.model;
  c.widths = net.widths;
  c.dataset.name = model_panel_->datasetName().toStdString();
  c.stage2.exclude_first_last = model_panel_->stage2FirstLastInFloat();
  if (c.dataset.name == "synthetic") {
    // Generated data: make as many samples as the preset's subsets ask for, instead of a config
    // that fails validation (the quick preset's 4,000 training samples > synthetic's 2,000).
    c.dataset.synthetic_train = std::max(c.dataset.synthetic_train, c.dataset.subset_train);
    c.dataset.synthetic_test = std::max(c.dataset.synthetic_test, c.dataset.subset_test);
  }
  nlohmann::json m = macroSpecToJson(model_->macro());
  for (const char* informational : {"name", "citation", "notes"}) m.erase(informational);
  c.macro_overrides = m;
  nlohmann::json j = c.toJson();
  const ExperimentConfig checked = ExperimentConfig::fromJson(j, "the panels' experiment");
  checked.validate();
  return checked.toJson().dump();
}

int MainWindow::startPipeline(const std::string& config_json, const QString& run_file) {
  // Throws ConfigError before any job is queued.
  const ExperimentConfig config =
      ExperimentConfig::fromJson(nlohmann::json::parse(config_json), "pipeline config");
  PipelineRequest request;
  request.config_json = config_json;
  request.run_file = run_file;
  request.job_id = jobs_panel_->addJob(JobKind::kFullPipeline,
                                       tr("(%1)").arg(QFileInfo(run_file).fileName()));
  request.cancel = jobs_panel_->token(request.job_id);
  // The new run is the project: its stages replace what the tabs showed.
  resetSliderAccuracy();
  run_macro_ = config.macro();
  run_data_ = config.dataset;
  run_first_last_in_float_ = config.stage2.exclude_first_last;
  current_run_ = run_file;
  recorded_lines_.clear();
  summary_->setRunNote({});
  model_->clearStageResults();
  importance_->setData({});
  adc_chart_->setData({});
  kLastProject.set(run_file);
  addRecent(run_file);
  QMetaObject::invokeMethod(jobs_engine_->worker(), "runPipeline", Qt::QueuedConnection,
                            Q_ARG(cimscope::PipelineRequest, request));
  return request.job_id;
}

void MainWindow::startFullPipeline() {
  const bool quick = model_panel_->quickPreset();
  try {
    startPipeline(pipelineConfigJson(quick),
                  runsDir() + (quick ? "/quick-" : "/full-") + stamp() + ".h5");
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Full pipeline"),
                         tr("Cannot build the experiment config:\n%1").arg(e.what()));
  }
}

void MainWindow::startStage2() {
  const QString in = stageInput(tr("Stage 2"));
  if (in.isEmpty()) return;
  Stage2Request request;
  request.in_checkpoint = in.toStdString();
  request.out_checkpoint =
      (runsDir() + "/" + QFileInfo(in).completeBaseName() + "-stage2-" + stamp() + ".h5")
          .toStdString();
  request.macro = model_->macro();
  run_macro_ = request.macro;  // what its accuracy is stored for
  request.adc_aware = true;
  request.exclude_first_last = model_panel_->stage2FirstLastInFloat();
  request.epochs = model_panel_->quickPreset() ? 2 : 10;
  request.data = model_panel_->datasetConfig();
  request.job_id = jobs_panel_->addJob(JobKind::kStage2, tr("(%1)").arg(QFileInfo(in).fileName()));
  request.cancel = jobs_panel_->token(request.job_id);
  QMetaObject::invokeMethod(jobs_engine_->worker(), "runStage2", Qt::QueuedConnection,
                            Q_ARG(cimscope::Stage2Request, request));
  tabs_->setCurrentWidget(summary_);
}

void MainWindow::startSweep() {
  try {
    nlohmann::json j = nlohmann::json::parse(pipelineConfigJson(true));
    const MacroSpec& m = model_->macro();
    // Around the current macro: half, same and double the array, ADC bits +-2.
    auto around = [](int v, int lo, int hi) {
      nlohmann::json out = nlohmann::json::array();
      for (int x : {v / 2, v, v * 2}) {
        if (x >= lo && x <= hi) out.push_back(x);
      }
      return out;
    };
    nlohmann::json bits = nlohmann::json::array();
    for (int b = std::max(1, m.adc_bits - 2); b <= std::min(12, m.adc_bits + 2); ++b) bits.push_back(b);
    j["sweep"] = {{"axes", {{"rows", around(m.rows, 16, 1024)},
                            {"cols", around(m.cols, 16, 1024)},
                            {"adc_bits", bits}}},
                  {"evaluate", "mapping"}};
    SweepRequest request;
    request.config_json = j.dump();
    request.out = runsDir() + "/sweep-" + stamp() + ".h5";
    request.job_id = jobs_panel_->addJob(JobKind::kSweep,
                                         tr("(%1)").arg(QFileInfo(request.out).fileName()));
    request.cancel = jobs_panel_->token(request.job_id);
    QMetaObject::invokeMethod(jobs_engine_->worker(), "runSweep", Qt::QueuedConnection,
                              Q_ARG(cimscope::SweepRequest, request));
    tabs_->setCurrentWidget(sweep_);
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Sweep"), tr("Cannot build the sweep:\n%1").arg(e.what()));
  }
}

void MainWindow::resetSliderAccuracy() {
  quick_rank_ = -1;
  evaluator_->clearStored();
  evaluator_->setCheckpoint({}, {});
}

void MainWindow::offerQuickCheckpoint(const QString& path, int rank, const DatasetConfig& data) {
  if (rank < quick_rank_ || !QFileInfo::exists(path)) return;
  quick_rank_ = rank;
  evaluator_->setCheckpoint(path, data);
}

// A Stage 1 or Stage 2 checkpoint opened on its own: the Summary shows the chain it records
// (engine/store/checkpoint_lineage.h), the model panel its baseline (what Stage 1 starts from)
// and Stage 2 / ADC sweep jobs start from its Stage 1 file, as after opening a run.
void MainWindow::showAdaptedCheckpoint(const CheckpointSummary& s) {
  const CheckpointLineage& l = s.lineage;
  auto q = [](const std::string& t) { return QString::fromStdString(t); };
  // ", baseline resnet20.h5" for a file the chain found; nothing for one it did not.
  auto found = [&](const QString& what, const std::string& file) {
    return file.empty() ? QString()
                        : tr(", %1 %2").arg(what, QFileInfo(q(file)).fileName());
  };
  const QString name = QFileInfo(s.path).fileName();
  showing_adapted_ = true;
  model_->clearStageResults();
  importance_->setData({});
  recorded_lines_.clear();
  CheckpointSummary base = s;
  base.has_lineage = false;
  if (l.baseline.known) {
    base.path = q(l.baseline.file);  // "" when the file is not there: figures from the records
    base.stage = "float";
    base.network = l.baseline.network;
    base.epochs = static_cast<int>(l.baseline.epochs);
    base.test_accuracy = l.baseline.accuracy;
    base.test_accuracy_curve.clear();
    base.created.clear();
    base.recorded_in = name;
  }
  model_panel_->showCheckpoint(base);
  model_->setBaselineCheckpoint(base);
  stage1_file_.clear();
  if (l.stage1.known) {
    model_->setStage1Result(l.stage1.network, l.stage1.accuracy);
    stage1_file_ = q(l.stage1.file);
  }
  QStringList notes;
  if (s.stage == "stage2") {
    Stage2Result r;
    r.accuracy = l.stage2.accuracy;
    r.stored_bits = l.stored_bits;
    r.compression = l.compression;
    r.first_last_in_float = l.first_last_in_float;
    model_panel_->setStage2FirstLastInFloat(l.first_last_in_float);
    r.source = name;
    model_->setStage2Result(r);
    if (s.has_macro) evaluator_->setStage2(s.macro, r.accuracy, r.source);
    notes << tr("Opened %1 (Stage 2)%2%3.")
                 .arg(name, found(tr("from Stage 1"), l.stage1.file),
                      found(tr("baseline"), l.baseline.file));
  } else {
    notes << tr("Opened %1 (Stage 1)%2.").arg(name, found(tr("baseline"), l.baseline.file));
  }
  for (const std::string& n : l.notes) notes << q(n);
  summary_->setRunNote(notes.join(" "));
}

QString MainWindow::stageInput(const QString& job) {
  if (!stage1_file_.isEmpty() && QFileInfo::exists(stage1_file_)) return stage1_file_;
  return requireCheckpoint(job);
}

void MainWindow::onRunOpened(const RunOpened& run) {
  checkpoint_pending_ = false;
  stage1_file_.clear();
  showing_adapted_ = false;
  resetSliderAccuracy();
  run_macro_ = run.macro;
  try {
    const ExperimentConfig config =
        ExperimentConfig::fromJson(nlohmann::json::parse(run.config_json.toStdString()),
                                   "run config");
    run_data_ = config.dataset;
    run_first_last_in_float_ = config.stage2.exclude_first_last;
    model_panel_->setStage2FirstLastInFloat(run_first_last_in_float_);  // a rerun does the same
  } catch (const std::exception&) {
    run_data_ = model_panel_->datasetConfig();  // the engine already read it; not expected
    run_first_last_in_float_ = false;
  }
  current_run_ = run.run_file;
  recorded_lines_.clear();
  summary_->setRunNote({});
  model_->clearStageResults();
  importance_->setData({});
  adc_chart_->setData({});
  macro_panel_->setSpec(run.macro);  // the run's numbers were computed on its macro
  kLastProject.set(run.run_file);
  addRecent(run.run_file);
  statusBar()->showMessage(tr("Opened run %1: %2").arg(QFileInfo(run.run_file).fileName(),
                                                       run.completed.join(", ")), 8000);
}

void MainWindow::onRunStage(const RunStageData& d) {
  if (!current_run_.isEmpty() && d.run_file != current_run_) return;  // an older run's stage
  const QLocale loc;
  recorded_lines_ << tr("%1: accuracy %2, %3 macros, utilization %4 %, %5 s")
                         .arg(d.name)
                         .arg(d.accuracy >= 0 ? QStringLiteral("%1 %").arg(100 * d.accuracy, 0, 'f', 2)
                                              : tr("not evaluated"))
                         .arg(loc.toString(d.macros))
                         .arg(100 * d.utilization, 0, 'f', 1)
                         .arg(d.seconds, 0, 'f', 0);
  summary_->setRunNote(tr("Recorded in %1 (on the run's macro): %2")
                           .arg(QFileInfo(d.run_file).fileName(), recorded_lines_.join("; ")));
  if (d.name == "baseline" && d.has_network) {
    CheckpointSummary s;
    s.path = d.stage_file;
    s.stage = "float";
    s.network = d.network;
    s.dataset = d.dataset;
    s.epochs = d.epochs;
    s.test_accuracy = d.accuracy;
    model_panel_->showCheckpoint(s);
    model_->setBaselineCheckpoint(s);
    offerQuickCheckpoint(d.stage_file, 0, run_data_);
  } else if (d.name == "stage1") {
    if (d.has_network) model_->setStage1Result(d.network, d.accuracy);
    stage1_file_ = d.stage_file;
    if (!d.importance.isEmpty()) importance_->setData(d.importance);
    offerQuickCheckpoint(d.stage_file, 1, run_data_);
  } else if (d.name == "stage2") {
    Stage2Result r;
    r.accuracy = d.accuracy;
    r.stored_bits = d.stored_bits;
    r.compression = d.compression;
    r.first_last_in_float = run_first_last_in_float_;
    r.source = tr("stage2 of %1").arg(QFileInfo(d.run_file).fileName());
    model_->setStage2Result(r);
    evaluator_->setStage2(run_macro_, d.accuracy, r.source);
    offerQuickCheckpoint(d.stage_file, 2, run_data_);
  } else if (d.name == "adc_sweep") {
    if (!d.adc.isEmpty()) showAdcSweep(d.adc);
  }
}

void MainWindow::startTrainBaseline() {
  const NetworkSpec net = model_panel_->network();
  const QString out = QStringLiteral("%1/%2-%3-%4.h5")
                          .arg(runsDir(), QString::fromStdString(net.model),
                               model_panel_->datasetName(),
                               QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"));
  BaselineTrainRequest request;
  request.job = model_panel_->baselineTrainJob(out);
  request.data = model_panel_->datasetConfig();
  request.job_id = jobs_panel_->addJob(
      JobKind::kTrainBaseline,
      tr("(%1, %2, %3)").arg(QString::fromStdString(net.model), model_panel_->datasetName(),
                             model_panel_->quickPreset() ? tr("quick") : tr("full")));
  request.cancel = jobs_panel_->token(request.job_id);
  QMetaObject::invokeMethod(jobs_engine_->worker(), "trainBaseline", Qt::QueuedConnection,
                            Q_ARG(cimscope::BaselineTrainRequest, request));
}

QString MainWindow::requireCheckpoint(const QString& job) {
  const auto& ck = model_->baselineCheckpoint();
  if (!ck) {
    QMessageBox::information(this, job,
                             tr("%1 starts from a trained network: run Train baseline (Ctrl+T) "
                                "or open a checkpoint first.").arg(job));
    return {};
  }
  if (ck->path.isEmpty()) {
    QMessageBox::information(this, job,
                             tr("%1 starts from the baseline network, and its file is not "
                                "there (the figures shown come from %2): open the baseline "
                                "checkpoint first.").arg(job, ck->recorded_in));
    return {};
  }
  return ck->path;
}

void MainWindow::startStage1() {
  const QString in = requireCheckpoint(tr("Stage 1"));
  if (in.isEmpty()) return;
  Stage1Request request;
  request.config.in_checkpoint = in.toStdString();
  request.config.out_checkpoint =
      (runsDir() + "/" + QFileInfo(in).completeBaseName() + "-stage1-" +
       QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss") + ".h5").toStdString();
  request.config.macro = model_->macro();
  const bool quick = model_panel_->quickPreset();
  request.config.shrink_epochs = quick ? 1 : 10;
  request.config.finetune_epochs = quick ? 1 : 10;
  request.data = model_panel_->datasetConfig();
  request.config.dataset_name = request.data.name;
  request.config.subset_train = request.data.subset_train;
  request.config.subset_test = request.data.subset_test;
  request.job_id = jobs_panel_->addJob(JobKind::kStage1, tr("(%1)").arg(QFileInfo(in).fileName()));
  request.cancel = jobs_panel_->token(request.job_id);
  QMetaObject::invokeMethod(jobs_engine_->worker(), "runStage1", Qt::QueuedConnection,
                            Q_ARG(cimscope::Stage1Request, request));
  tabs_->setCurrentWidget(importance_);
}

void MainWindow::startAdcSweep() {
  const QString in = stageInput(tr("ADC sweep"));
  if (in.isEmpty()) return;
  AdcSweepRequest request;
  request.job.in_checkpoint = in.toStdString();
  request.job.out_path = (runsDir() + "/" + QFileInfo(in).completeBaseName() + "-adc-" +
                          QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss") + ".h5")
                             .toStdString();
  request.job.macro = model_->macro();
  request.job.retrain_epochs = 1;
  request.data = model_panel_->datasetConfig();
  request.job.dataset_name = request.data.name;
  request.job.subset_train = request.data.subset_train;
  request.job.subset_test = request.data.subset_test;
  request.job_id = jobs_panel_->addJob(JobKind::kAdcSweep, tr("(%1)").arg(QFileInfo(in).fileName()));
  request.cancel = jobs_panel_->token(request.job_id);
  QMetaObject::invokeMethod(jobs_engine_->worker(), "runAdcSweep", Qt::QueuedConnection,
                            Q_ARG(cimscope::AdcSweepRequest, request));
  tabs_->setCurrentWidget(adc_tab_);
}

void MainWindow::onMappingChanged() {
  macro_panel_->showMappingError(model_->mappingError());
  if (model_->mappingError().isEmpty()) {
    status_mapping_->setText(tr("%1 macros, %2 % utilization, mapped in %3 \u00b5s")
                                 .arg(model_->baselineMapping().total.macros)
                                 .arg(100 * model_->baselineMapping().total.utilization, 0, 'f', 1)
                                 .arg(model_->lastMappingMicroseconds(), 0, 'f', 0));
  } else {
    status_mapping_->setText(tr("mapping failed"));
  }
}

void MainWindow::showImportance(const ImportanceData& data) { importance_->setData(data); }
void MainWindow::showAdcSweep(const AdcSweepData& data) {
  adc_chart_->setCurrentAdcBits(model_->macro().adc_bits);
  adc_chart_->setData(data);
  evaluator_->setAdcSweep(data);
}
void MainWindow::showSweep(const SweepData& data) {
  sweep_->setData(data);
  evaluator_->setSweep(data);
}

bool MainWindow::selectTab(const QString& name) {
  const int i = tabNames().indexOf(name.toLower());
  if (i < 0) return false;
  tabs_->setCurrentIndex(i);
  return true;
}

bool MainWindow::raiseDock(const QString& name) {
  const QString object = name.toLower() == "macro"   ? QStringLiteral("macroDock")
                         : name.toLower() == "model" ? QStringLiteral("modelDock")
                                                     : QString();
  QDockWidget* dock = object.isEmpty() ? nullptr : findChild<QDockWidget*>(object);
  if (!dock) return false;
  dock->show();
  dock->raise();
  return true;
}

QWidget* MainWindow::exportTarget() const {
  QWidget* w = tabs_->currentWidget();
  if (w == occupancy_) return occupancy_->baselineView();
  if (w == summary_) return summary_;
  if (w == importance_) return importance_->exportWidget();
  if (w == adc_tab_) return adc_chart_->exportWidget();
  if (w == sweep_) return sweep_->scatter()->exportWidget();
  return w;
}

void MainWindow::exportCurrentView() {
  QWidget* target = exportTarget();
  const QString name = tabNames().value(tabs_->currentIndex(), "view");
  QString dir = kExportDir.get();
  if (dir.isEmpty()) dir = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
  ExportDialog dialog(tabs_->tabText(tabs_->currentIndex()),
                      QStringLiteral("%1/cimscope-%2.png").arg(dir, name),
                      target->size() * 2, this);
  if (dialog.exec() != QDialog::Accepted) return;
  const QString error = ExportHelper::exportWidget(target, dialog.path(), dialog.exportSize(),
                                                   tabs_->tabText(tabs_->currentIndex()));
  if (!error.isEmpty()) {
    QMessageBox::warning(this, tr("Export failed"), error);
    return;
  }
  kExportDir.set(QFileInfo(dialog.path()).absolutePath());
  statusBar()->showMessage(tr("Exported %1").arg(dialog.path()), 8000);
}

void MainWindow::exportMappingJson() {
  const QString p = QFileDialog::getSaveFileName(this, tr("Export mapping"),
                                                 kExportDir.get() + "/mapping.json",
                                                 tr("JSON (*.json)"));
  if (p.isEmpty()) return;
  QMetaObject::invokeMethod(engine_->worker(), "exportMappingJson", Qt::QueuedConnection,
                            Q_ARG(cimscope::NetworkSpec, model_->network()),
                            Q_ARG(cimscope::MacroSpec, model_->macro()), Q_ARG(QString, p));
}

void MainWindow::exportConfig(const QString& path) {
  const std::string json = pipelineConfigJson(model_panel_->quickPreset());
  QMetaObject::invokeMethod(engine_->worker(), "writeExperimentConfig", Qt::QueuedConnection,
                            Q_ARG(QString, QString::fromStdString(json)), Q_ARG(QString, path));
}

void MainWindow::exportConfigDialog() {
  const QString p = QFileDialog::getSaveFileName(this, tr("Export experiment config"),
                                                 kExportDir.get() + "/experiment.json",
                                                 tr("Experiment config (*.json)"));
  if (p.isEmpty()) return;
  try {
    exportConfig(p);
    kExportDir.set(QFileInfo(p).absolutePath());
  } catch (const std::exception& e) {
    QMessageBox::warning(this, tr("Export config"),
                         tr("Cannot build the experiment config:\n%1").arg(e.what()));
  }
}

DesignReportContent MainWindow::designReport() const {
  DesignReportContent c;
  c.project = current_run_.isEmpty() ? model_panel_->checkpointPath() : current_run_;
  c.macro = model_->macro();
  const NetworkSpec& net = model_->network();
  c.network = model_->mappingError().isEmpty()
                  ? tr("%1 on %2, %3 parameters")
                        .arg(QString::fromStdString(net.model), model_panel_->datasetName(),
                             QLocale().toString(static_cast<qlonglong>(model_->shape().params)))
                  : tr("%1 (cannot map: %2)")
                        .arg(QString::fromStdString(net.model), model_->mappingError());
  c.summary_header << tr("Metric");
  for (int col = 0; col < 3; ++col) {
    c.summary_header << summary_->table()->horizontalHeaderItem(col)->text();
  }
  for (const QString& metric : SummaryPanel::metricNames()) {
    QStringList row{metric};
    for (int col = 0; col < 3; ++col) row << summary_->cell(metric, col);
    c.summary_rows.push_back(row);
  }
  c.notes = summary_->noteText().split('\n', Qt::SkipEmptyParts);
  const SliderAccuracy& a = evaluator_->current();
  if (a.accuracy >= 0) {
    c.notes << tr("Accuracy at this macro (%1-bit ADC): %2 %, %3")
                   .arg(a.adc_bits)
                   .arg(100 * a.accuracy, 0, 'f', 2)
                   .arg(a.source);
  }
  c.occupancy = occupancy_->baselineView();
  // The layer chart itself (not the per-channel split under it), or the empty-state text.
  c.importance = importance_->isEmptyState() ? importance_->exportWidget()
                                             : static_cast<QWidget*>(importance_->chartView());
  c.adc = adc_chart_->exportWidget();
  return c;
}

QString MainWindow::exportReport(const QString& path) {
  return DesignReportWriter::write(designReport(), path);
}

void MainWindow::exportReportDialog() {
  const QString p = QFileDialog::getSaveFileName(
      this, tr("Export design-point report"),
      kExportDir.get() + "/cimscope-report-" + macro_panel_->presetName() + ".pdf",
      tr("PDF document (*.pdf)"));
  if (p.isEmpty()) return;
  const QString error = exportReport(p);
  if (!error.isEmpty()) {
    QMessageBox::warning(this, tr("Export failed"), error);
    return;
  }
  kExportDir.set(QFileInfo(p).absolutePath());
  statusBar()->showMessage(tr("Exported %1").arg(p), 8000);
}

void MainWindow::saveMacroJson() {
  const QString p = QFileDialog::getSaveFileName(
      this, tr("Save macro"), kExportDir.get() + "/" + macro_panel_->presetName() + ".json",
      tr("Macro spec (*.json)"));
  if (p.isEmpty()) return;
  QMetaObject::invokeMethod(engine_->worker(), "saveMacroSpec", Qt::QueuedConnection,
                            Q_ARG(cimscope::MacroSpec, model_->macro()), Q_ARG(QString, p));
}

void MainWindow::openFile(const QString& path) {
  const QString suffix = QFileInfo(path).suffix().toLower();
  if (suffix == "json") {
    QMetaObject::invokeMethod(engine_->worker(), "loadMacroFile", Qt::QueuedConnection,
                              Q_ARG(QString, path));
  } else {
    // Checkpoint, run file or sweep file: the engine thread reads the format and answers with
    // checkpointOpened, runOpened (+ its stages) or sweepOpened.
    checkpoint_pending_ = true;
    sweep_file_pending_ = path;
    QMetaObject::invokeMethod(engine_->worker(), "openResultFile", Qt::QueuedConnection,
                              Q_ARG(QString, path));
  }
}

void MainWindow::openCheckpoint(const QString& path) { model_panel_->chooseCheckpoint(path); }

void MainWindow::addRecent(const QString& path) {
  QStringList list = kRecent.get();
  list.removeAll(path);
  list.prepend(path);
  while (list.size() > 10) list.removeLast();
  kRecent.set(list);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  if (!recent_menu_) return;
  recent_menu_->clear();
  const QStringList list = kRecent.get();
  for (const QString& p : list) {
    QAction* a = recent_menu_->addAction(QFileInfo(p).fileName());
    a->setToolTip(p);
    connect(a, &QAction::triggered, this, [this, p] { openFile(p); });
  }
  recent_menu_->setEnabled(!list.isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  for (const QUrl& u : event->mimeData()->urls()) {
    const QString s = QFileInfo(u.toLocalFile()).suffix().toLower();
    if (s == "h5" || s == "json") {
      event->acceptProposedAction();
      return;
    }
  }
}

void MainWindow::dropEvent(QDropEvent* event) {
  for (const QUrl& u : event->mimeData()->urls()) {
    if (u.isLocalFile()) openFile(u.toLocalFile());
  }
}

void MainWindow::showAbout() {
  const RuntimeInfo rt = runtimeInfo();
  QMessageBox::about(
      this, tr("About cimscope"),
      tr("<h3>%1</h3><p>A design-space explorer that adapts neural networks to "
         "Computing-in-Memory macros: CIM-aware pruning and reallocation, ADC-aware "
         "quantization-aware training and a bit-accurate macro simulator.</p>"
         "<p>LibTorch %2, %3 compute threads; Qt %4.</p>")
          .arg(QString::fromStdString(versionLine()).toHtmlEscaped(),
               QString::fromStdString(rt.torch_version))
          .arg(rt.intra_op_threads)
          .arg(QString::fromLatin1(qVersion())));
}

void MainWindow::onFailed(const QString& what, const QString& message) {
  // Errors never block and never reset the user's state: the status bar names the reason, the
  // panel that asked shows it inline.
  statusBar()->showMessage(tr("%1 failed: %2").arg(what, message));
  if (checkpoint_pending_ && what.startsWith(tr("Opening"))) {
    checkpoint_pending_ = false;
    // Back to the checkpoint that was open before (or none): the user's state stays.
    if (const auto& ck = model_->baselineCheckpoint()) {
      model_panel_->showCheckpoint(*ck);
    } else {
      model_panel_->clearCheckpoint();
    }
    QMessageBox::warning(this, tr("Cannot open file"), tr("%1:\n%2").arg(what, message));
    return;
  }
  if (what.startsWith(tr("Loading"))) dataset_browser_->showError(message);
}

void MainWindow::saveScreenshotWhenReady(const QString& path) {
  whenSettled([this, path] {
    const bool ok = grab().save(path, "PNG");
    if (!ok) std::fprintf(stderr, "cimscope: cannot write screenshot %s\n", qPrintable(path));
    QApplication::exit(ok ? 0 : 1);
  });
}

void MainWindow::exportReportWhenReady(const QString& path) {
  whenSettled([this, path] {
    const QString error = exportReport(path);
    if (!error.isEmpty()) std::fprintf(stderr, "cimscope: %s\n", qPrintable(error));
    QApplication::exit(error.isEmpty() ? 0 : 1);
  });
}

void MainWindow::whenSettled(const std::function<void()>& then) {
  const bool wants_grid = tabs_->currentWidget() == dataset_browser_;
  auto* poll = new QTimer(this);
  auto start = std::make_shared<QDateTime>(QDateTime::currentDateTime());
  auto grid_filled = std::make_shared<bool>(false);
  connect(engine_->worker(), &EngineWorker::samplesLoaded, this,
          [grid_filled] { *grid_filled = true; });
  connect(poll, &QTimer::timeout, this, [=] {
    // A quick evaluation at the slider counts as part of the picture on the Accuracy tab.
    const auto kind = evaluator_->current().kind;
    const bool evaluating =
        kind == SliderAccuracy::Kind::kPending || kind == SliderAccuracy::Kind::kRunning;
    const bool ready = !first_listing_ && presets_listed_ && !checkpoint_pending_ &&
                       (!wants_grid || *grid_filled) && !evaluating;
    if (ready || start->secsTo(QDateTime::currentDateTime()) > 60) {
      poll->stop();
      QTimer::singleShot(500, this, then);  // one more layout pass for charts and icons
    }
  });
  poll->start(100);
}

int MainWindow::defaultJobsDockHeight(int window_height) {
  // Two job rows and a few log lines: a strip, never a third of the window.
  return std::clamp(window_height / 8, 100, 160);
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  // Once the window has its real size (a saved layout keeps its own): the jobs strip.
  if (!docks_sized_) {
    docks_sized_ = true;
    if (kWindowState.get().isEmpty()) {
      QTimer::singleShot(0, this, [this] {
        resizeDocks({jobs_dock_}, {defaultJobsDockHeight(height())}, Qt::Vertical);
      });
    }
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (jobs_panel_->activeCount() > 0) {
    const auto answer = QMessageBox::question(
        this, tr("Jobs running"),
        tr("%1 job(s) are still running. Cancel them and quit? Completed epochs are kept.")
            .arg(jobs_panel_->activeCount()),
        QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
    if (answer != QMessageBox::Yes) {
      event->ignore();
      return;
    }
    jobs_panel_->cancelAll();  // the hosts' destructors then wait for the threads
  }
  kGeometry.set(saveGeometry());
  kWindowState.set(saveState());
  kTab.set(tabs_->currentIndex());
  kMacroJson.set(QString::fromStdString(macroSpecToJson(model_->macro()).dump()));
  kModelTemplate.set(QString::fromStdString(model_->network().model));
  kModelDataset.set(model_panel_->datasetName());
  kQuickPreset.set(model_panel_->quickPreset());
  kFirstLastInFloat.set(model_panel_->stage2FirstLastInFloat());
  kLastProject.set(current_run_.isEmpty() ? model_panel_->checkpointPath() : current_run_);
  const QString current = dataset_browser_->currentDataset();
  if (!current.isEmpty()) kLastDataset.set(current);
  event->accept();
}

}  // namespace cimscope
