// Summary tab, Stage 2 column (issue 8): the quantized network's stored weight bits and the
// compression they give against the float32 baseline, as the run recorded them, not the
// Stage 1 mapping's bits. Expected texts are worked out here from the numbers.
#include <QLocale>
#include <QtTest>

#include "engine/cim/network_mapper.h"
#include "engine/nn/spec/network_shape.h"
#include "engine/nn/spec/network_templates.h"
#include "tests/ui/ui_test_main.h"
#include "ui/explorer_model.h"
#include "ui/widgets/summary_panel.h"

using namespace cimscope;

namespace {
QString bitsText(qint64 bits, const QString& kib) {
  return QStringLiteral("%1 bits (%2 KiB)").arg(QLocale().toString(bits), kib);
}
}  // namespace

class SummaryStage2Test : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void stage2ShowsItsRecordedStorage() {
    ExplorerModel model;
    NetworkSpec net;
    net.model = "lenet5";
    model.setNetwork(net);
    QVERIFY(model.mappingError().isEmpty());
    SummaryPanel panel(&model);
    QCOMPARE(panel.cell("Weight storage", 2), QString("\u2014"));

    // A Stage 2 run of this network: 61,470 bits stored (e.g. 4-bit layers plus float
    // first/last), compression = 1 - bits / (32 x baseline weights).
    const qint64 weights = model.baselineMapping().total.weights;
    const qint64 stored = 61470;
    Stage2Result r;
    r.accuracy = 0.8125;
    r.stored_bits = stored;
    r.compression = 1.0 - double(stored) / (32.0 * weights);
    r.source = "stage2 of run.h5";
    model.setStage2Result(r);
    // 61470 / 8 / 1024 = 7.50 KiB.
    QCOMPARE(panel.cell("Weight storage", 2), bitsText(stored, "7.5"));
    const QString pct = QString::number(100 * r.compression, 'f', 1);
    QCOMPARE(panel.cell("Compression", 2),
             QStringLiteral("%1 % fewer weight bits than float32, 0.0 % fewer parameters").arg(pct));
    QCOMPARE(panel.cell("Accuracy", 2), QString("81.25 %"));
    // The Stage 1-less baseline column still shows the mapping at the macro's weight bits.
    QCOMPARE(panel.cell("Weight storage", 0).section(' ', 0, 0),
             QLocale().toString(static_cast<qlonglong>(model.baselineMapping().total.weight_bits)));
    QVERIFY(panel.cell("Weight storage", 2) != panel.cell("Weight storage", 0));
  }

  void stage2AfterStage1CountsTheMorphedParameters() {
    ExplorerModel model;
    NetworkSpec net;
    net.model = "lenet5";
    model.setNetwork(net);
    SummaryPanel panel(&model);
    NetworkSpec narrow = net;
    for (const WidthGroup& g : defaultWidthGroups(net.model)) {
      narrow.widths.push_back(std::max(1, g.default_width / 2));
    }
    model.setStage1Result(narrow, 0.7);
    const qint64 p0 = buildNetworkShape(net).params;
    const qint64 p1 = buildNetworkShape(narrow).params;
    Stage2Result r;
    r.accuracy = 0.69;
    r.stored_bits = 20000;
    r.compression = 0.9;
    model.setStage2Result(r);
    QCOMPARE(panel.cell("Weight storage", 2), bitsText(20000, "2.4"));  // 20000 / 8192 = 2.44
    QCOMPARE(panel.cell("Compression", 2),
             QStringLiteral("90.0 % fewer weight bits than float32, %1 % fewer parameters")
                 .arg(100 * (1.0 - double(p1) / p0), 0, 'f', 1));
    QCOMPARE(panel.cell("Parameters", 2), QLocale().toString(p1));
  }

  // First and last layers kept in float: Stage 2's macros, cycles and energy are those of the
  // layers between them, mapped here on their own; Stage 1's column keeps every layer.
  void stage2WithFirstAndLastInFloatCostsOnlyTheLayersOnTheMacro() {
    ExplorerModel model;
    NetworkSpec net;
    net.model = "resnet20";
    model.setNetwork(net);
    SummaryPanel panel(&model);
    model.setStage1Result(net, 0.9);
    Stage2Result r;
    r.accuracy = 0.89;
    r.stored_bits = 1000000;
    r.compression = 0.9;
    r.first_last_in_float = true;
    model.setStage2Result(r);
    NetworkShape middle = buildNetworkShape(net);
    middle.layers.erase(middle.layers.end() - 1);
    middle.layers.erase(middle.layers.begin());
    const MappingTotals t = mapNetwork(middle, model.macro()).total;
    const MappingTotals all = mapNetwork(buildNetworkShape(net), model.macro()).total;
    QVERIFY(t.energy_pj < all.energy_pj);
    const QString energy = QStringLiteral("%1 nJ").arg(t.energy_pj / 1000.0, 0, 'f', 2);
    QCOMPARE(panel.cell("Energy per inference", 2), energy);
    QCOMPARE(panel.cell("Energy per inference", 1),
             QStringLiteral("%1 nJ").arg(all.energy_pj / 1000.0, 0, 'f', 2));
    QVERIFY(panel.cell("Utilization", 2) ==
            QStringLiteral("%1 %").arg(100 * t.utilization, 0, 'f', 1));
    QVERIFY(panel.noteText().contains("run in float outside the macro"));
  }
};

CIMSCOPE_QTEST_MAIN(SummaryStage2Test)
#include "summary_stage2_test.moc"
