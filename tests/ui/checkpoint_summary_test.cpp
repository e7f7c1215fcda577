// A checkpoint written by `cimscope-cli train --out` opens in the GUI: the summary shows its
// accuracy, the model panel takes its network, and relaunch reopens it.
#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/ui_test_main.h"
#include "ui/explorer_model.h"
#include "ui/main_window.h"
#include "ui/widgets/model_panel.h"
#include "ui/widgets/summary_panel.h"

using namespace cimscope;

class CheckpointSummaryTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    qputenv("XDG_CONFIG_HOME", dir_.filePath("config").toUtf8());
    qputenv("XDG_DATA_HOME", dir_.filePath("data").toUtf8());
    // The CLI sits next to the tests in the build tree (build/app/cimscope-cli).
    cli_ = QCoreApplication::applicationDirPath() + "/../app/cimscope-cli";
    if (!QFileInfo::exists(cli_)) QSKIP("cimscope-cli is not built (ninja cimscope-cli)");
    checkpoint_ = dir_.filePath("lenet5.h5");
    QProcess p;
    p.start(cli_, {"train", "--model", "lenet5", "--dataset", "synthetic", "--epochs", "1",
                   "--subset-train", "400", "--subset-test", "100", "--batch", "50",
                   "--threads", "1", "--out", checkpoint_, "--json"});
    QVERIFY(p.waitForFinished(180000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    const QJsonObject j = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    accuracy_ = j.value("test_accuracy").toDouble(-1);
    QVERIFY(accuracy_ >= 0 && accuracy_ <= 1);
  }

  void summaryShowsTheCheckpointsAccuracy() {
    MainWindow w;
    w.show();
    QVERIFY(w.summaryPanel()->cell("Accuracy", 0).contains("no checkpoint"));
    w.openCheckpoint(checkpoint_);
    QTRY_VERIFY_WITH_TIMEOUT(w.explorerModel()->baselineCheckpoint().has_value(), 30000);
    const QString expected = QString::number(100 * accuracy_, 'f', 2) + " %";
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 0), expected);
    QVERIFY(w.findChild<QLabel*>("summaryNote")->text().contains("lenet5.h5"));
    // The model panel took the checkpoint's network and data set.
    QCOMPARE(w.modelPanel()->network().model, std::string("lenet5"));
    QCOMPARE(w.modelPanel()->datasetName(), QString("synthetic"));
    QVERIFY(w.findChild<QLabel*>("checkpointInfo")->text().contains(expected));
    // The mapping follows the network: lenet5's layers, not resnet20's.
    QCOMPARE(w.explorerModel()->baselineMapping().layers.size(), std::size_t(5));
    w.close();
  }

  void relaunchReopensTheLastProject() {
    MainWindow w;
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(w.explorerModel()->baselineCheckpoint().has_value(), 30000);
    QCOMPARE(w.explorerModel()->baselineCheckpoint()->path, checkpoint_);
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 0),
             QString::number(100 * accuracy_, 'f', 2) + " %");
  }

  void badFileKeepsState() {
    MainWindow w;
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(w.explorerModel()->baselineCheckpoint().has_value(), 30000);
    const QString bad = dir_.filePath("not-a-checkpoint.h5");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("garbage");
    f.close();
    // The error is shown in a message box; close it as soon as it appears.
    auto closer = new QTimer(&w);
    connect(closer, &QTimer::timeout, [] {
      if (QWidget* m = QApplication::activeModalWidget()) m->close();
    });
    closer->start(50);
    w.openCheckpoint(bad);
    QCOMPARE(w.modelPanel()->checkpointPath(), bad);
    QTRY_COMPARE_WITH_TIMEOUT(w.modelPanel()->checkpointPath(), checkpoint_, 30000);
    // The summary keeps the last good result.
    QCOMPARE(w.explorerModel()->baselineCheckpoint()->path, checkpoint_);
  }

 private:
  QTemporaryDir dir_;
  QString cli_;
  QString checkpoint_;
  double accuracy_ = -1;
};

CIMSCOPE_QTEST_MAIN(CheckpointSummaryTest)
#include "checkpoint_summary_test.moc"
