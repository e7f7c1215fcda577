// The Full pipeline job through EngineWorker on synthetic data: the Summary tab gets its stage
// rows and the ADC chart its curves as the stages are recorded, and a fresh window that opens
// the run file shows the same (issue 8: "Open a project file ... check the charts show its
// data").
#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>

#include "engine/jobs/experiment_config.h"
#include "engine/store/run_file.h"
#include "tests/ui/ui_test_main.h"
#include "ui/charts/adc_accuracy_chart.h"
#include "ui/charts/importance_chart.h"
#include "ui/explorer_model.h"
#include "ui/main_window.h"
#include "ui/widgets/jobs_panel.h"
#include "ui/widgets/summary_panel.h"
#include "ui/widgets/sweep_explorer_panel.h"

using cimscope::MainWindow;

namespace {

std::string tinyConfig() {
  const auto j = nlohmann::json::parse(R"({
    "dataset": {"name": "synthetic", "synthetic_train": 256, "synthetic_test": 64},
    "model": {"name": "lenet5"},
    "baseline": {"train": {"epochs": 1, "batch_size": 64, "threads": 1}},
    "stage1": {"shrink_epochs": 1, "finetune_epochs": 1},
    "stage2": {"train": {"epochs": 1, "batch_size": 64}},
    "adc_sweep": {"bits": [3], "retrain_epochs": 1}})");
  return cimscope::ExperimentConfig::fromJson(j, "test").toJson().dump();
}

bool isPercent(const QString& s) { return s.endsWith(" %"); }

}  // namespace

class PipelineJobTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(config_dir_.isValid() && data_dir_.isValid());
    qputenv("XDG_CONFIG_HOME", config_dir_.path().toUtf8());
    qputenv("XDG_DATA_HOME", data_dir_.path().toUtf8());
  }

  void panelsOverrideThePreset() {
    MainWindow w;
    const auto j = nlohmann::json::parse(w.pipelineConfigJson(true));
    const auto c = cimscope::ExperimentConfig::fromJson(j, "test");
    QCOMPARE(QString::fromStdString(c.model), QString::fromStdString(w.explorerModel()->network().model));
    QCOMPARE(c.macro().rows, w.explorerModel()->macro().rows);
    QVERIFY(!MainWindow::findConfigPreset("quick.json").isEmpty());
  }

  void tinyPipelineFillsTheTabsAndReopens() {
    const QString run = data_dir_.filePath("tiny-run.h5");
    {
      MainWindow w;
      w.show();
      const int id = w.startPipeline(tinyConfig(), run);
      QVERIFY(id > 0);
      QCOMPARE(w.jobsPanel()->activeCount(), 1);
      QTRY_VERIFY_WITH_TIMEOUT(w.jobsPanel()->activeCount() == 0, 120000);
      QVERIFY2(!w.jobsPanel()->logText().contains("failed"), qPrintable(w.jobsPanel()->logText()));
      QCOMPARE(w.currentRunFile(), run);
      QVERIFY(isPercent(w.summaryPanel()->cell("Accuracy", 0)));
      QVERIFY2(isPercent(w.summaryPanel()->cell("Accuracy", 1)),
               qPrintable(w.summaryPanel()->cell("Accuracy", 1)));
      QVERIFY2(isPercent(w.summaryPanel()->cell("Accuracy", 2)),
               qPrintable(w.summaryPanel()->cell("Accuracy", 2)));
      QVERIFY(w.explorerModel()->hasStage1());
      QVERIFY(w.importanceChart()->layerCount() > 0);
      QVERIFY(w.adcChart()->curveCount() >= 2);
      acc_stage2_ = w.summaryPanel()->cell("Accuracy", 2);
      // Stage 2's storage is the bits its run recorded (not the Stage 1 mapping's).
      const cimscope::RunFileState state = cimscope::readRunFile(run.toStdString());
      bool checked = false;
      for (const auto& st : state.summaries) {
        if (st.name != "stage2") continue;
        checked = true;
        const QString want = QStringLiteral("%1 bits (%2 KiB)")
                                 .arg(QLocale().toString(static_cast<qlonglong>(st.stored_bits)))
                                 .arg(st.stored_bits / 8192.0, 0, 'f', 1);
        QCOMPARE(w.summaryPanel()->cell("Weight storage", 2), want);
        QVERIFY2(w.summaryPanel()->cell("Compression", 2)
                     .startsWith(QStringLiteral("%1 % fewer weight bits than float32")
                                     .arg(100 * st.compression, 0, 'f', 1)),
                 qPrintable(w.summaryPanel()->cell("Compression", 2)));
      }
      QVERIFY(checked);
      curves_ = w.adcChart()->curveCount();
    }
    MainWindow fresh;
    fresh.openFile(run);
    QTRY_VERIFY_WITH_TIMEOUT(fresh.adcChart()->curveCount() == curves_, 20000);
    QCOMPARE(fresh.currentRunFile(), run);
    QCOMPARE(fresh.summaryPanel()->cell("Accuracy", 2), acc_stage2_);
    QVERIFY(fresh.explorerModel()->hasStage1());
    QVERIFY(fresh.importanceChart()->layerCount() > 0);
  }

  void sweepStreamsPoints() {
    MainWindow w;
    QAction* a = w.runAction(cimscope::JobKind::kSweep);
    QVERIFY(a && a->isEnabled());
    a->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.jobsPanel()->activeCount() == 0, 60000);
    QVERIFY2(w.sweepExplorer()->pointCount() > 0, qPrintable(w.jobsPanel()->logText()));
  }

  // A later launch reopens the last project (the run file of the test above); a bad file
  // leaves it open.
  void relaunchReopensTheRunAndABadFileKeepsIt() {
    MainWindow w;
    QTRY_VERIFY_WITH_TIMEOUT(w.adcChart()->curveCount() == curves_, 20000);
    const QString before = w.currentRunFile();
    QVERIFY(before.endsWith("tiny-run.h5"));
    const QString bogus = data_dir_.filePath("bogus.h5");
    QFile f(bogus);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not hdf5");
    f.close();
    // The failure is a modal message box; a repeating timer closes it whenever it comes up
    // (a loaded machine may take a while), so the test goes on.
    bool closed = false;
    QTimer closer;
    connect(&closer, &QTimer::timeout, [&closed] {
      for (QWidget* top : QApplication::topLevelWidgets()) {
        if (top->inherits("QMessageBox") && top->isVisible()) {
          top->close();
          closed = true;
        }
      }
    });
    closer.start(100);
    w.openFile(bogus);
    QTRY_VERIFY_WITH_TIMEOUT(closed, 20000);
    QCOMPARE(w.currentRunFile(), before);
    QCOMPARE(w.adcChart()->curveCount(), curves_);
  }

 private:
  QTemporaryDir config_dir_;
  QTemporaryDir data_dir_;
  QString acc_stage2_;
  int curves_ = 0;
};

CIMSCOPE_QTEST_MAIN(PipelineJobTest)
#include "pipeline_job_test.moc"
