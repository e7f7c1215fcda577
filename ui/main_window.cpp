#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScrollArea>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "engine/cim/macro_spec_json.h"
#include "engine/common/version.h"
#include "engine/nn/runtime_info.h"
#include "ui/charts/adc_accuracy_chart.h"
#include "ui/charts/importance_chart.h"
#include "ui/charts/occupancy_view.h"
#include "ui/charts/sweep_scatter_chart.h"
#include "ui/engine_host.h"
#include "ui/engine_worker.h"
#include "ui/explorer_model.h"
#include "ui/export_helper.h"
#include "ui/preference.h"
#include "ui/widgets/dataset_browser_panel.h"
#include "ui/widgets/export_dialog.h"
#include "ui/widgets/jobs_panel.h"
#include "ui/widgets/macro_panel.h"
#include "ui/widgets/model_panel.h"
#include "ui/widgets/occupancy_panel.h"
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
const Preference<QString> kLastProject{"project/last", {}};
const Preference<QStringList> kRecent{"project/recent", {}};
const Preference<bool> kFirstLaunchDone{"project/firstLaunchDone", false};
const Preference<QString> kExportDir{"export/dir", {}};

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
  sweep_ = new SweepExplorerPanel;
  dataset_browser_ = new DatasetBrowserPanel;
  tabs_->addTab(occupancy_, tr("Macro occupancy"));
  tabs_->addTab(summary_, tr("Summary"));
  tabs_->addTab(importance_, tr("Layer importance"));
  tabs_->addTab(adc_chart_, tr("Accuracy vs ADC bits"));
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
  auto* model_dock = new QDockWidget(tr("Model && data"), this);
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
  // A compact jobs strip by default (after the first layout; a saved layout overrides it).
  QTimer::singleShot(0, this, [this, jobs_dock] {
    if (kWindowState.get().isEmpty()) resizeDocks({jobs_dock}, {140}, Qt::Vertical);
  });

  connect(macro_panel_, &MacroPanel::macroChanged, model_, &ExplorerModel::setMacro);
  connect(macro_panel_, &MacroPanel::macroChanged, this,
          [this](const MacroSpec& m) { adc_chart_->setCurrentAdcBits(m.adc_bits); });
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
  open->setToolTip(tr("Open a checkpoint (.h5) or a macro spec (.json)"));
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
      {JobKind::kStage2, QKeySequence(Qt::CTRL | Qt::Key_2), "Stage 2 (engine/adapt/qat*)"},
      {JobKind::kAdcSweep, QKeySequence(), nullptr},
      {JobKind::kFullPipeline, QKeySequence(Qt::CTRL | Qt::Key_R), "the pipeline (engine/jobs)"},
      {JobKind::kSweep, QKeySequence(), "design-space sweeps (engine/jobs)"},
  };
  for (const Spec& s : specs) {
    QAction* a = run->addAction(jobKindTitle(s.kind));
    a->setShortcut(s.key);
    a->setEnabled(s.missing == nullptr);
    a->setToolTip(s.missing ? tr("Not available in this build: waits for %1").arg(s.missing)
                  : s.kind == JobKind::kTrainBaseline
                      ? tr("Train the float baseline of the current model and data set "
                           "(training preset in Model & data)")
                  : s.kind == JobKind::kStage1
                      ? tr("CIM-aware morphing of the open checkpoint for the current macro: "
                           "shrink, prune, expand, fine-tune")
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
  connect(worker, &EngineWorker::checkpointOpened, this, [this](const CheckpointSummary& s) {
    checkpoint_pending_ = false;
    model_panel_->showCheckpoint(s);
    model_->setBaselineCheckpoint(s);
    kLastProject.set(s.path);
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
  connect(jobs, &EngineWorker::jobFinished, this, [this](const JobOutcome& o) {
    statusBar()->showMessage(tr("Job #%1: %2").arg(o.job_id).arg(o.summary), 10000);
    // A new baseline becomes the open checkpoint (Stage 1 / ADC results stay beside it).
    if (!o.checkpoint.isEmpty()) {
      model_->clearStageResults();
      model_panel_->chooseCheckpoint(o.checkpoint);
    }
  });
}

void MainWindow::restoreSettings() {
  model_panel_->setTemplate(kModelTemplate.get());
  model_panel_->setDatasetName(kModelDataset.get());
  model_panel_->setQuickPreset(kQuickPreset.get());
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
  // Relaunch reopens the last project (its checkpoint), read on the engine thread.
  const QString last = kLastProject.get();
  if (!last.isEmpty() && QFileInfo::exists(last)) model_panel_->chooseCheckpoint(last);
}

void MainWindow::maybeStartFirstLaunchPipeline() {
  if (kFirstLaunchDone.get() || !kLastProject.get().isEmpty()) return;
  kFirstLaunchDone.set(true);
  // HOOK (engine/jobs): start runPipeline() on the quick preset here so every tab fills within
  // minutes, e.g. jobs_panel_->addJob(JobKind::kFullPipeline) + EngineWorker::runPipeline.
  // Until the pipeline exists, point at the one job that does.
  statusBar()->showMessage(
      tr("First launch: train a quick baseline with Run > Train baseline (Ctrl+T) to fill "
         "the summary"), 15000);
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
  const QString in = requireCheckpoint(tr("ADC sweep"));
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
  tabs_->setCurrentWidget(adc_chart_);
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
}
void MainWindow::showSweep(const SweepData& data) { sweep_->setData(data); }

bool MainWindow::selectTab(const QString& name) {
  const int i = tabNames().indexOf(name.toLower());
  if (i < 0) return false;
  tabs_->setCurrentIndex(i);
  return true;
}

QWidget* MainWindow::exportTarget() const {
  QWidget* w = tabs_->currentWidget();
  if (w == occupancy_) return occupancy_->baselineView();
  if (w == summary_) return summary_;
  if (w == importance_) return importance_->exportWidget();
  if (w == adc_chart_) return adc_chart_->exportWidget();
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
    openCheckpoint(path);
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
  auto save = [this, path] {
    const bool ok = grab().save(path, "PNG");
    if (!ok) std::fprintf(stderr, "cimscope: cannot write screenshot %s\n", qPrintable(path));
    QApplication::exit(ok ? 0 : 1);
  };
  const bool wants_grid = tabs_->currentWidget() == dataset_browser_;
  auto* poll = new QTimer(this);
  auto start = std::make_shared<QDateTime>(QDateTime::currentDateTime());
  auto grid_filled = std::make_shared<bool>(false);
  connect(engine_->worker(), &EngineWorker::samplesLoaded, this,
          [grid_filled] { *grid_filled = true; });
  connect(poll, &QTimer::timeout, this, [=] {
    const bool ready = !first_listing_ && presets_listed_ && !checkpoint_pending_ &&
                       (!wants_grid || *grid_filled);
    if (ready || start->secsTo(QDateTime::currentDateTime()) > 60) {
      poll->stop();
      QTimer::singleShot(500, this, save);  // one more layout pass for charts and icons
    }
  });
  poll->start(100);
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
  kLastProject.set(model_panel_->checkpointPath());
  const QString current = dataset_browser_->currentDataset();
  if (!current.isEmpty()) kLastDataset.set(current);
  event->accept();
}

}  // namespace cimscope
