// Accuracy at the slider position (issue 8): a stored result names its source; otherwise a
// quick evaluation of the checkpoint runs on its own engine thread after the sliders rest
// (debounced), labelled as not retrained, and a newer request cancels the older one.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/ui_test_main.h"
#include "ui/engine_host.h"
#include "ui/engine_worker.h"
#include "ui/quick_evaluator.h"
#include "ui/result_adapters.h"

using namespace cimscope;

namespace {

// Seeded synthetic data: 1x28x28, 10 classes; `test` images in the test split.
DatasetConfig synthetic(std::int64_t test) {
  DatasetConfig d;
  d.name = "synthetic";
  d.synthetic_train = 256;
  d.synthetic_test = test;
  d.seed = 3;
  return d;
}

MacroSpec withRows(int rows) {
  MacroSpec m;
  m.rows = rows;
  m.active_wordlines = rows;
  return m;
}

using Kind = SliderAccuracy::Kind;

}  // namespace

class QuickEvaluatorTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A tiny float LeNet-5 trained for one epoch on synthetic data, as the GUI's Train baseline.
  void initTestCase() {
    QVERIFY(dir_.isValid());
    checkpoint_ = dir_.filePath("tiny.h5");
    EngineHost host("test-train");
    QSignalSpy finished(host.worker(), &EngineWorker::jobFinished);
    QSignalSpy failed(host.worker(), &EngineWorker::jobFailed);
    BaselineTrainRequest r;
    r.job_id = 1;
    r.cancel = std::make_shared<std::atomic<bool>>(false);
    r.data = synthetic(64);
    r.job.network.model = "lenet5";
    r.job.train.epochs = 1;
    r.job.train.batch_size = 64;
    r.job.train.threads = 1;
    r.job.out_checkpoint = checkpoint_.toStdString();
    QMetaObject::invokeMethod(host.worker(), "trainBaseline", Qt::QueuedConnection,
                              Q_ARG(cimscope::BaselineTrainRequest, r));
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() + failed.count() == 1, 120000);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][1].toString()));
  }

  void storedResultsNameTheirSource() {
    QuickEvaluator e;
    const MacroSpec base;  // the reference macro, 5-bit ADC
    e.setCheckpoint(checkpoint_, synthetic(64));
    AdcSweepData adc;
    adc.source = "adc_sweep of run.h5";
    adc.has_macro = true;
    adc.macro = base;
    adc.curves.push_back({adcAwareCurveName(), {QPointF(3, 0.61), QPointF(6, 0.83)}});
    e.setAdcSweep(adc);
    e.setStage2(base, 0.8125, "stage2 of run.h5");
    e.setMacro(base);
    QCOMPARE(e.current().kind, Kind::kStored);
    QCOMPARE(e.current().accuracy, 0.8125);
    QVERIFY2(e.current().source.contains("stage2 of run.h5"), qPrintable(e.current().source));

    MacroSpec three = base;
    three.adc_bits = 3;
    e.setMacro(three);
    QCOMPARE(e.current().kind, Kind::kStored);
    QCOMPARE(e.current().accuracy, 0.61);
    QVERIFY(e.current().source.contains("ADC-aware curve of adc_sweep of run.h5"));

    // Another array size: the ADC sweep does not apply; a design-sweep point does.
    SweepData sweep;
    sweep.source = "sweep.h5";
    SweepPointRow p;
    p.macro = withRows(128);
    p.accuracy = 0.7;
    sweep.points.push_back(p);
    e.setSweep(sweep);
    e.setMacro(withRows(128));
    QCOMPARE(e.current().kind, Kind::kStored);
    QVERIFY(e.current().source.contains("design-sweep point of sweep.h5"));
    QCOMPARE(e.lastRequestId(), 0);  // nothing was evaluated
  }

  // Placement, timing and energy do not change what the ADC sees: a stored curve for the packed
  // macro answers for the dedicated one (and another chip size, clock, energy); other bits do not.
  void storedResultsIgnoreFieldsThatCannotChangeAccuracy() {
    QuickEvaluator e;
    e.setCheckpoint(checkpoint_, synthetic(64));
    MacroSpec packed;
    packed.packing = Packing::kPacked;
    AdcSweepData adc;
    adc.source = "adc_sweep.h5";
    adc.has_macro = true;
    adc.macro = packed;
    adc.curves.push_back({adcAwareCurveName(), {QPointF(5, 0.9273)}});
    e.setAdcSweep(adc);
    MacroSpec other = packed;
    other.packing = Packing::kDedicated;
    other.macros_on_chip = 64;
    other.clock_mhz = 200;
    other.e_adc_pj = 0.5;
    e.setMacro(other);
    QCOMPARE(e.current().kind, Kind::kStored);
    QCOMPARE(e.current().accuracy, 0.9273);
    MacroSpec wider = other;
    wider.weight_bits = 8;
    e.setMacro(wider);
    QVERIFY(e.current().kind != Kind::kStored);
  }

  // Three slider moves inside the debounce interval send one request, for the last position.
  void debouncedEvaluationIsLabelledNotRetrained() {
    QuickEvaluator e;
    e.setCheckpoint(checkpoint_, synthetic(64));
    QSignalSpy outcomes(&e, &QuickEvaluator::outcomeArrived);
    e.setMacro(withRows(64));
    QCOMPARE(e.current().kind, Kind::kPending);
    e.setMacro(withRows(128));
    e.setMacro(withRows(512));
    QCOMPARE(e.lastRequestId(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(e.current().kind == Kind::kEvaluated, 60000);
    QCOMPARE(e.lastRequestId(), 1);
    QCOMPARE(outcomes.count(), 1);
    const auto o = outcomes[0][0].value<QuickEvalOutcome>();
    QCOMPARE(o.macro.rows, 512);
    QCOMPARE(o.images, 64);
    QVERIFY(!o.cancelled);
    QVERIFY(o.accuracy >= 0 && o.accuracy <= 1);
    QCOMPARE(e.current().accuracy, o.accuracy);
    QVERIFY2(e.current().source.startsWith("quick evaluation, not retrained, 64 test images"),
             qPrintable(e.current().source));
    // Back to an evaluated point: the kept result, no new request.
    e.setMacro(withRows(128));
    e.setMacro(withRows(512));
    QCOMPARE(e.current().kind, Kind::kEvaluated);
    QCOMPARE(e.lastRequestId(), 1);
  }

  // A long evaluation (20,000 test images) is running when the sliders move on: the newer
  // request cancels it through its token, and only the newer result is shown.
  void newerRequestCancelsTheOlder() {
    QuickEvaluator e;
    e.setCheckpoint(checkpoint_, synthetic(20000));
    e.setTestImages(20000);
    QSignalSpy started(&e, &QuickEvaluator::started);
    QSignalSpy outcomes(&e, &QuickEvaluator::outcomeArrived);
    e.setMacro(withRows(64));
    e.evaluateNow();
    QCOMPARE(e.current().kind, Kind::kRunning);
    QTRY_VERIFY_WITH_TIMEOUT(started.count() == 1, 60000);
    QTest::qWait(200);  // inside the test-batch loop by now
    e.setMacro(withRows(128));
    e.evaluateNow();
    QTRY_VERIFY_WITH_TIMEOUT(outcomes.count() == 2, 120000);
    const auto first = outcomes[0][0].value<QuickEvalOutcome>();
    const auto second = outcomes[1][0].value<QuickEvalOutcome>();
    QCOMPARE(first.job_id, 1);
    QVERIFY(first.cancelled);
    QVERIFY(first.images < 20000);
    QCOMPARE(second.job_id, 2);
    QVERIFY(!second.cancelled);
    QCOMPARE(second.images, 20000);
    QCOMPARE(second.macro.rows, 128);
    QCOMPARE(e.current().kind, Kind::kEvaluated);
    QCOMPARE(e.current().accuracy, second.accuracy);
  }

  void withoutACheckpointNothingRuns() {
    QuickEvaluator e;
    e.setMacro(withRows(64));
    QCOMPARE(e.current().kind, Kind::kNone);
    QVERIFY(e.current().source.contains("open a checkpoint"));
    QTest::qWait(QuickEvaluator::kDebounceMs + 100);
    QCOMPARE(e.lastRequestId(), 0);
  }

 private:
  QTemporaryDir dir_;
  QString checkpoint_;
};

CIMSCOPE_QTEST_MAIN(QuickEvaluatorTest)
#include "quick_evaluator_test.moc"
