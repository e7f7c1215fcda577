// A tiny training job on synthetic data runs through EngineWorker on its thread, streams
// throttled progress, and can be cancelled while the GUI event loop keeps turning.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>
#include <cmath>

#include "engine/store/checkpoint_lineage.h"
#include "engine/store/h5_file.h"
#include "tests/ui/ui_test_main.h"
#include "ui/engine_host.h"
#include "ui/engine_worker.h"
#include "ui/ui_types.h"

using namespace cimscope;

namespace {

BaselineTrainRequest tinyJob(int id, const QString& out, std::int64_t train, int epochs) {
  BaselineTrainRequest r;
  r.job_id = id;
  r.cancel = std::make_shared<std::atomic<bool>>(false);
  r.data.name = "synthetic";
  r.data.synthetic_train = train;
  r.data.synthetic_test = 64;
  r.job.network.model = "lenet5";
  r.job.train.epochs = epochs;
  r.job.train.batch_size = 32;
  r.job.train.threads = 1;
  r.job.out_checkpoint = out.toStdString();
  return r;
}

// Trains the tiny lenet5 baseline `out` (512 samples, one epoch) on `w` and waits for it: ""
// when it finished, else why not.
QString trainTinyBaseline(EngineWorker* w, int id, const QString& out) {
  QSignalSpy finished(w, &EngineWorker::jobFinished);
  QSignalSpy failed(w, &EngineWorker::jobFailed);
  QMetaObject::invokeMethod(w, "trainBaseline", Qt::QueuedConnection,
                            Q_ARG(cimscope::BaselineTrainRequest, tinyJob(id, out, 512, 1)));
  if (!QTest::qWaitFor([&] { return finished.count() + failed.count() > 0; }, 120000)) {
    return "the baseline did not finish within 120 s";
  }
  return failed.isEmpty() ? QString() : failed[0][1].toString();
}

}  // namespace

class EngineWorkerTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void trainsStreamsProgressAndStaysResponsive() {
    EngineHost host("test-jobs");
    EngineWorker* w = host.worker();
    QSignalSpy started(w, &EngineWorker::jobStarted);
    QSignalSpy progress(w, &EngineWorker::jobProgress);
    QSignalSpy finished(w, &EngineWorker::jobFinished);
    QSignalSpy failed(w, &EngineWorker::jobFailed);
    int ticks = 0;  // the GUI thread's event loop keeps turning while the job runs
    QTimer tick;
    connect(&tick, &QTimer::timeout, [&] { ++ticks; });
    tick.start(10);
    const QString out = dir_.filePath("tiny.h5");
    QMetaObject::invokeMethod(w, "trainBaseline", Qt::QueuedConnection,
                              Q_ARG(cimscope::BaselineTrainRequest, tinyJob(7, out, 512, 1)));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 1, 120000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][1].toString()));
    QCOMPARE(started.count(), 1);
    QVERIFY(progress.count() >= 2);
    double last = -1;
    for (const auto& args : progress) {
      const auto p = args[0].value<JobProgress>();
      QCOMPARE(p.job_id, 7);
      QVERIFY(p.fraction >= last - 1e-9);
      last = p.fraction;
    }
    QCOMPARE(last, 1.0);
    const auto o = finished[0][0].value<JobOutcome>();
    QCOMPARE(o.job_id, 7);
    QVERIFY(!o.cancelled);
    QCOMPARE(o.checkpoint, out);
    QVERIFY(o.test_accuracy >= 0 && o.test_accuracy <= 1);
    QVERIFY(QFileInfo::exists(out));
    QVERIFY2(ticks > 3, qPrintable(QString::number(ticks)));
  }

  void cancelStopsWithinASecond() {
    EngineHost host("test-jobs");
    EngineWorker* w = host.worker();
    QSignalSpy progress(w, &EngineWorker::jobProgress);
    QSignalSpy finished(w, &EngineWorker::jobFinished);
    QSignalSpy failed(w, &EngineWorker::jobFailed);
    BaselineTrainRequest r = tinyJob(8, dir_.filePath("long.h5"), 20000, 5);
    QMetaObject::invokeMethod(w, "trainBaseline", Qt::QueuedConnection,
                              Q_ARG(cimscope::BaselineTrainRequest, r));
    // Wait until training batches stream (not only "loading data").
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(progress.begin(), progress.end(),
                    [](const QList<QVariant>& a) { return a[0].value<JobProgress>().fraction > 0; }),
        60000);
    // Throttled: never much more than 10 signals per second.
    QElapsedTimer t;
    t.start();
    r.cancel->store(true);  // straight from the GUI thread, no queued slot
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 1, 10000);
    QVERIFY2(t.elapsed() < 1500, qPrintable(QString::number(t.elapsed())));
    QVERIFY(failed.isEmpty());
    QVERIFY(finished[0][0].value<JobOutcome>().cancelled);
  }

  void cancelledWhileQueuedNeverStarts() {
    EngineHost host("test-jobs");
    EngineWorker* w = host.worker();
    QSignalSpy started(w, &EngineWorker::jobStarted);
    QSignalSpy finished(w, &EngineWorker::jobFinished);
    BaselineTrainRequest r = tinyJob(9, dir_.filePath("never.h5"), 512, 1);
    r.cancel->store(true);
    QMetaObject::invokeMethod(w, "trainBaseline", Qt::QueuedConnection,
                              Q_ARG(cimscope::BaselineTrainRequest, r));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QCOMPARE(started.count(), 0);
    QVERIFY(finished[0][0].value<JobOutcome>().cancelled);
  }

  void stage1StreamsImportanceAndTheAdaptedNetwork() {
    EngineHost host("test-jobs");
    EngineWorker* w = host.worker();
    const QString base = dir_.filePath("s1-base.h5");
    const QString trained = trainTinyBaseline(w, 11, base);
    QVERIFY2(trained.isEmpty(), qPrintable(trained));
    QSignalSpy finished(w, &EngineWorker::jobFinished);
    QSignalSpy failed(w, &EngineWorker::jobFailed);
    QSignalSpy importance(w, &EngineWorker::importanceReady);
    QSignalSpy adapted(w, &EngineWorker::stage1Ready);
    Stage1Request r;
    r.job_id = 12;
    r.cancel = std::make_shared<std::atomic<bool>>(false);
    r.data = tinyJob(0, {}, 512, 1).data;
    r.config.in_checkpoint = base.toStdString();
    r.config.out_checkpoint = dir_.filePath("s1.h5").toStdString();
    r.config.shrink_epochs = 1;
    r.config.finetune_epochs = 1;
    r.config.shrink_train.batch_size = 32;
    r.config.finetune_train.batch_size = 32;
    r.config.shrink_train.threads = 1;
    r.config.finetune_train.threads = 1;
    r.config.macro.packing = Packing::kPacked;
    r.config.macro.rows = 128;
    r.config.macro.active_wordlines = 128;
    QMetaObject::invokeMethod(w, "runStage1", Qt::QueuedConnection,
                              Q_ARG(cimscope::Stage1Request, r));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 1, 240000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][1].toString()));
    QVERIFY(importance.count() >= 1);  // one per measured step, as they finish
    const auto d = importance.last()[0].value<ImportanceData>();
    QVERIFY(!d.isEmpty());
    for (const auto& l : d.layers) QVERIFY(l.macros >= 1);
    QCOMPARE(adapted.count(), 1);
    QCOMPARE(adapted[0][0].value<NetworkSpec>().model, std::string("lenet5"));

    // Opening the Stage 1 output later shows the same importance (its /morph tables) and
    // brings back the macro it was adapted to, packing included.
    QSignalSpy opened(w, &EngineWorker::checkpointOpened);
    const int streamed = importance.count();
    QMetaObject::invokeMethod(w, "openResultFile", Qt::QueuedConnection,
                              Q_ARG(QString, dir_.filePath("s1.h5")));
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    const auto s = opened[0][0].value<CheckpointSummary>();
    QCOMPARE(s.stage, QString("stage1"));
    QVERIFY(s.has_macro);
    QCOMPARE(s.macro.packing, Packing::kPacked);
    QCOMPARE(s.macro.rows, 128);
    QTRY_COMPARE_WITH_TIMEOUT(importance.count(), streamed + 1, 10000);
    const auto from_file = importance.last()[0].value<ImportanceData>();
    QCOMPARE(from_file.layers.size(), d.layers.size());
    for (int i = 0; i < d.layers.size(); ++i) {
      QCOMPARE(from_file.layers[i].layer, d.layers[i].layer);
      QCOMPARE(from_file.layers[i].macros, d.layers[i].macros);
      QVERIFY(std::abs(from_file.layers[i].importance - d.layers[i].importance) <=
              1e-6 * std::abs(d.layers[i].importance));
    }
  }

  // A standalone `cimscope-cli adc-sweep` file opens as the ADC chart's data (both curves), and
  // one without points fails with its name instead of falling through to the checkpoint reader.
  void adcSweepFileOpensAsBothCurves() {
    const std::string good = dir_.filePath("sweep.h5").toStdString();
    const std::string empty = dir_.filePath("empty.h5").toStdString();
    {
      H5File f(good, H5File::Mode::kCreate);
      f.setAttribute("/", "format", std::string("cimscope-adc-sweep"));
      f.setAttribute("/", "float_accuracy", 0.93);
      f.setAttribute("/", "quantized_accuracy", 0.91);
      f.setAttribute("/", "setup",
                     std::string(R"({"macro": {"rows": 128, "active_wordlines": 128, "adc_bits": 0, "packing": "packed"}})"));
      const std::vector<std::int64_t> bits = {3, 5};
      const std::vector<double> unaware = {0.5, 0.9}, aware = {0.8, 0.905}, secs = {1, 1};
      f.createGroup("/adc_sweep");
      f.writeInt64("/adc_sweep/adc_bits", {2}, bits.data());
      f.writeFloat64("/adc_sweep/unaware_accuracy", {2}, unaware.data());
      f.writeFloat64("/adc_sweep/aware_accuracy", {2}, aware.data());
      f.writeFloat64("/adc_sweep/seconds", {2}, secs.data());
      H5File g(empty, H5File::Mode::kCreate);
      g.setAttribute("/", "format", std::string("cimscope-adc-sweep"));
      g.createGroup("/adc_sweep");
      g.writeInt64("/adc_sweep/adc_bits", {0}, bits.data());
      g.writeFloat64("/adc_sweep/unaware_accuracy", {0}, unaware.data());
      g.writeFloat64("/adc_sweep/aware_accuracy", {0}, aware.data());
      g.writeFloat64("/adc_sweep/seconds", {0}, secs.data());
    }
    EngineHost host("test-adc-file");
    EngineWorker* w = host.worker();
    QSignalSpy opened(w, &EngineWorker::adcSweepOpened);
    QSignalSpy failed(w, &EngineWorker::failed);
    QMetaObject::invokeMethod(w, "openResultFile", Qt::QueuedConnection,
                              Q_ARG(QString, QString::fromStdString(good)));
    QTRY_COMPARE_WITH_TIMEOUT(opened.count(), 1, 10000);
    QCOMPARE(failed.count(), 0);
    const auto d = opened[0][0].value<AdcSweepData>();
    QCOMPARE(d.source, QString("sweep.h5"));
    QVERIFY(d.has_macro);  // from the setup, adc_bits set to a swept value
    QCOMPARE(d.macro.rows, 128);
    QCOMPARE(d.macro.packing, Packing::kPacked);
    bool saw_unaware = false, saw_aware = false;
    for (const AdcCurve& c : d.curves) {
      if (c.name.startsWith("ADC-unaware")) {
        saw_unaware = true;
        QCOMPARE(c.points.size(), 2);
        QCOMPARE(c.points[0], QPointF(3, 0.5));
      } else if (c.name.startsWith("ADC-aware")) {
        saw_aware = true;
        QCOMPARE(c.points.size(), 2);
        QCOMPARE(c.points[1], QPointF(5, 0.905));
      }
    }
    QVERIFY(saw_unaware && saw_aware);
    QMetaObject::invokeMethod(w, "openResultFile", Qt::QueuedConnection,
                              Q_ARG(QString, QString::fromStdString(empty)));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
    QVERIFY2(failed[0][1].toString().contains("no points"), qPrintable(failed[0][1].toString()));
    QCOMPARE(opened.count(), 1);
  }

  // Run > Stage 2 with "First and last layers in float": the job quantizes only the layers
  // between them, says so in its result and records it in the checkpoint. Weight bits worked out
  // by hand for lenet5 on 1x28x28: conv1 6x1x5x5 = 150, conv2 16x6x5x5 = 2,400, fc1 256x120 =
  // 30,720, fc2 120x84 = 10,080, fc3 84x10 = 840; 4-bit weights on the default macro.
  void stage2KeepsTheFirstAndLastLayersInFloatWhenAsked() {
    EngineHost host("test-jobs");
    EngineWorker* w = host.worker();
    const QString base = dir_.filePath("s2-base.h5");
    const QString trained = trainTinyBaseline(w, 21, base);
    QVERIFY2(trained.isEmpty(), qPrintable(trained));
    QSignalSpy failed(w, &EngineWorker::jobFailed);
    QSignalSpy ready(w, &EngineWorker::stage2Ready);
    const std::int64_t all_at_4 = 4 * (150 + 2400 + 30720 + 10080 + 840);
    const std::int64_t ends_in_float = 32 * (150 + 840) + 4 * (2400 + 30720 + 10080);
    for (const bool first_last : {true, false}) {
      Stage2Request r;
      r.job_id = first_last ? 22 : 23;
      r.cancel = std::make_shared<std::atomic<bool>>(false);
      r.in_checkpoint = base.toStdString();
      r.out_checkpoint = dir_.filePath(first_last ? "s2-xfl.h5" : "s2-all.h5").toStdString();
      r.exclude_first_last = first_last;
      r.epochs = 1;
      r.data = tinyJob(0, {}, 512, 1).data;
      const int before = ready.count();
      QMetaObject::invokeMethod(w, "runStage2", Qt::QueuedConnection,
                                Q_ARG(cimscope::Stage2Request, r));
      QTRY_COMPARE_WITH_TIMEOUT(ready.count() + failed.count(), before + 1, 120000);
      QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][1].toString()));
      const auto s2 = ready.last()[0].value<Stage2Result>();
      QCOMPARE(s2.first_last_in_float, first_last);
      QCOMPARE(s2.stored_bits, first_last ? ends_in_float : all_at_4);
      const CheckpointLineage l = readCheckpointLineage(r.out_checkpoint);
      QCOMPARE(l.stage, std::string("stage2"));
      QCOMPARE(l.first_last_in_float, first_last);
      QCOMPARE(l.stored_bits, first_last ? ends_in_float : all_at_4);
    }
  }

  void badConfigFailsWithReason() {
    EngineHost host("test-jobs");
    EngineWorker* w = host.worker();
    QSignalSpy failed(w, &EngineWorker::jobFailed);
    BaselineTrainRequest r = tinyJob(10, dir_.filePath("bad.h5"), 512, 1);
    r.job.network.model = "nosuchnet";
    QMetaObject::invokeMethod(w, "trainBaseline", Qt::QueuedConnection,
                              Q_ARG(cimscope::BaselineTrainRequest, r));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
    QCOMPARE(failed[0][0].toInt(), 10);
    QVERIFY2(failed[0][1].toString().contains("nosuchnet"), qPrintable(failed[0][1].toString()));
  }

 private:
  QTemporaryDir dir_;
};

CIMSCOPE_QTEST_MAIN(EngineWorkerTest)
#include "engine_worker_test.moc"
