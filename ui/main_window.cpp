#include "ui/main_window.h"

#include <QAction>
#include <cstdio>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

#include "engine/common/version.h"
#include "engine/nn/runtime_info.h"
#include "ui/engine_host.h"
#include "ui/engine_worker.h"
#include "ui/preference.h"
#include "ui/ui_types.h"
#include "ui/widgets/dataset_browser_panel.h"

namespace cimscope {

namespace {
const Preference<QByteArray> kGeometry{"window/geometry", {}};
const Preference<QByteArray> kWindowState{"window/state", {}};
const Preference<QString> kLastDataset{"data/lastDataset", "fashion-mnist"};
}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), engine_(new EngineHost(this)) {
  initUiResources();
  setWindowTitle(tr("cimscope — CIM design-space explorer"));
  setWindowIcon(QIcon(":/icons/cimscope.svg"));

  tabs_ = new QTabWidget;
  tabs_->setObjectName("mainTabs");
  dataset_browser_ = new DatasetBrowserPanel;
  tabs_->addTab(dataset_browser_, tr("Datasets"));
  setCentralWidget(tabs_);

  status_version_ = new QLabel(QString::fromStdString(versionLine()));
  statusBar()->addPermanentWidget(status_version_);
  statusBar()->showMessage(tr("Looking for data sets ..."));

  createMenus();

  EngineWorker* worker = engine_->worker();
  connect(worker, &EngineWorker::datasetsListed, dataset_browser_,
          &DatasetBrowserPanel::setDatasets);
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

  resize(1280, 820);
  restoreGeometry(kGeometry.get());
  restoreState(kWindowState.get());
  QMetaObject::invokeMethod(worker, &EngineWorker::listDatasets, Qt::QueuedConnection);
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* refresh = file->addAction(tr("&Rescan data sets"));
  refresh->setShortcut(QKeySequence::Refresh);
  connect(refresh, &QAction::triggered, engine_->worker(), &EngineWorker::listDatasets);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"));
  quit->setShortcut(QKeySequence::Quit);
  connect(quit, &QAction::triggered, this, &QWidget::close);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  connect(help->addAction(tr("&About cimscope")), &QAction::triggered, this,
          &MainWindow::showAbout);
  connect(help->addAction(tr("About &Qt")), &QAction::triggered, qApp, &QApplication::aboutQt);
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
  // Errors never block: the panel shows the reason inline and the status bar repeats it.
  statusBar()->showMessage(tr("%1 failed: %2").arg(what, message));
  dataset_browser_->showError(message);
}

void MainWindow::saveScreenshotWhenReady(const QString& path) {
  auto save = [this, path] {
    const bool ok = grab().save(path, "PNG");
    if (!ok) std::fprintf(stderr, "cimscope: cannot write screenshot %s\n", qPrintable(path));
    QApplication::exit(ok ? 0 : 1);
  };
  // Give the grid one more event-loop turn to lay out its icons before grabbing.
  connect(engine_->worker(), &EngineWorker::samplesLoaded, this,
          [save] { QTimer::singleShot(300, save); });
  connect(engine_->worker(), &EngineWorker::failed, this,
          [save] { QTimer::singleShot(300, save); });
  QTimer::singleShot(60000, this, save);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  kGeometry.set(saveGeometry());
  kWindowState.set(saveState());
  const QString current = dataset_browser_->currentDataset();
  if (!current.isEmpty()) kLastDataset.set(current);
  event->accept();
}

}  // namespace cimscope
