// A checkpoint written by `cimscope-cli train --out` opens in the GUI: the summary shows its
// accuracy, the model panel takes its network, and relaunch reopens it.
#include <QCoreApplication>
#include <QFile>
#include <QLocale>
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

  // A Stage 1 output and a Stage 2 output opened on their own show the chain they record:
  // baseline, Stage 1 and Stage 2 columns with the CLI's own figures, compression against the
  // baseline's weights; a Stage 2 file whose source is gone still fills its columns and says so.
  void adaptedCheckpointsShowTheirChain() {
    const QString s1 = dir_.filePath("lenet5_s1.h5");
    const QString s2 = dir_.filePath("lenet5_s2.h5");
    const QStringList data = {"--dataset", "synthetic", "--subset-train", "400", "--subset-test",
                              "100", "--batch", "50", "--threads", "1", "--json"};
    const QJsonObject m = runCli(QStringList{"morph", "--in", checkpoint_, "--packing", "packed",
                                             "--keep-params", "0.6", "--shrink-epochs", "1",
                                             "--finetune-epochs", "1", "--out", s1} + data);
    const QJsonObject q = runCli(QStringList{"qat", "--in", s1, "--epochs", "1", "--out", s2} + data);
    QVERIFY(!m.isEmpty() && !q.isEmpty());
    const QJsonObject base = m.value("baseline").toObject();
    const QJsonObject adapted = m.value("adapted").toObject();
    auto pct = [](double f) { return QString::number(100 * f, 'f', 2) + " %"; };
    const QLocale loc;
    auto count = [&](const QJsonObject& o, const char* k) {
      return loc.toString(static_cast<qlonglong>(o.value(k).toDouble()));
    };

    MainWindow w;
    w.show();
    w.openCheckpoint(s1);
    QTRY_VERIFY_WITH_TIMEOUT(w.explorerModel()->hasStage1(), 30000);
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 0), pct(base.value("accuracy").toDouble()));
    QCOMPARE(w.summaryPanel()->cell("Parameters", 0), count(base, "params"));
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 1), pct(adapted.value("accuracy").toDouble()));
    QCOMPARE(w.summaryPanel()->cell("Parameters", 1), count(adapted, "params"));
    QVERIFY(w.summaryPanel()->cell("Parameters", 2).contains("no Stage 2"));
    // The model panel holds the baseline (what Stage 1 starts from), by its own file.
    QCOMPARE(QFileInfo(w.modelPanel()->checkpointPath()).canonicalFilePath(),
             QFileInfo(checkpoint_).canonicalFilePath());

    w.openCheckpoint(s2);
    QTRY_VERIFY_WITH_TIMEOUT(w.explorerModel()->hasStage2(), 30000);
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 0), pct(base.value("accuracy").toDouble()));
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 1), pct(adapted.value("accuracy").toDouble()));
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 2), pct(q.value("cim_accuracy").toDouble()));
    // 1 - stored bits / (32 x the baseline's weights), from the two CLI outputs.
    const double stored = q.value("stored_weight_bits").toDouble();
    const double vs_base = 1.0 - stored / (32.0 * base.value("weights").toDouble());
    QVERIFY(stored > 0);
    QVERIFY2(w.summaryPanel()->cell("Compression", 2)
                 .startsWith(QString::number(100 * vs_base, 'f', 1) + " % fewer weight bits"),
             qPrintable(w.summaryPanel()->cell("Compression", 2)));
    QVERIFY(w.findChild<QLabel*>("summaryNote")->text().contains("lenet5_s1.h5"));

    // A QAT continued from the Stage 2 file leads through it to the same Stage 1 and baseline.
    const QString s3 = dir_.filePath("lenet5_s3.h5");
    const QJsonObject q3 = runCli(QStringList{"qat", "--in", s2, "--epochs", "1", "--out", s3} + data);
    QVERIFY(!q3.isEmpty());
    w.openCheckpoint(s3);
    QTRY_VERIFY_WITH_TIMEOUT(
        w.findChild<QLabel*>("summaryNote")->text().contains("lenet5_s3.h5"), 30000);
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 0), pct(base.value("accuracy").toDouble()));
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 1), pct(adapted.value("accuracy").toDouble()));
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 2), pct(q3.value("cim_accuracy").toDouble()));

    // Stage 1 run again on the Stage 1 output (widths kept, fine-tune only): the baseline is
    // still the float network, not the first Stage 1 file.
    const QString s1b = dir_.filePath("lenet5_s1b.h5");
    const QJsonObject m2 = runCli(QStringList{"morph", "--in", s1, "--shrink-epochs", "0",
                                              "--threshold", "0", "--min-keep", "1",
                                              "--max-expand", "1", "--finetune-epochs", "1",
                                              "--out", s1b} + data);
    QVERIFY(!m2.isEmpty());
    w.openCheckpoint(s1b);
    QTRY_VERIFY_WITH_TIMEOUT(
        w.findChild<QLabel*>("summaryNote")->text().contains("lenet5_s1b.h5"), 30000);
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 0), pct(base.value("accuracy").toDouble()));
    QCOMPARE(w.summaryPanel()->cell("Parameters", 0), count(base, "params"));
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 1),
             pct(m2.value("adapted").toObject().value("accuracy").toDouble()));
    QCOMPARE(QFileInfo(w.modelPanel()->checkpointPath()).canonicalFilePath(),
             QFileInfo(checkpoint_).canonicalFilePath());

    // Its Stage 1 file gone (qat recorded it by the path it was given, here absolute): Stage 1
    // is known only by what the Stage 2 file records, the baseline not at all.
    QVERIFY(QFile::rename(s1, s1 + ".moved"));
    w.openCheckpoint(s2);
    QTRY_VERIFY_WITH_TIMEOUT(
        w.findChild<QLabel*>("summaryNote")->text().contains("not found"), 30000);
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 1), pct(q.value("source_accuracy").toDouble()));
    QCOMPARE(w.summaryPanel()->cell("Accuracy", 2), pct(q.value("cim_accuracy").toDouble()));
    const double vs_own = 1.0 - stored / (32.0 * q.value("weights").toDouble());
    QVERIFY(w.summaryPanel()->cell("Compression", 2)
                .startsWith(QString::number(100 * vs_own, 'f', 1) + " % fewer weight bits"));

    // A float checkpoint opened next clears the chain.
    w.openCheckpoint(checkpoint_);
    QTRY_VERIFY_WITH_TIMEOUT(!w.explorerModel()->hasStage1(), 30000);
    QVERIFY(!w.explorerModel()->hasStage2());
    QVERIFY(!w.findChild<QLabel*>("summaryNote")->text().contains("Opened"));
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
  QJsonObject runCli(const QStringList& args) {
    QProcess p;
    p.start(cli_, args);
    if (!p.waitForFinished(180000) || p.exitCode() != 0) {
      qWarning("%s", p.readAllStandardError().constData());
      return {};
    }
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
  }

  QTemporaryDir dir_;
  QString cli_;
  QString checkpoint_;
  double accuracy_ = -1;
};

CIMSCOPE_QTEST_MAIN(CheckpointSummaryTest)
#include "checkpoint_summary_test.moc"
