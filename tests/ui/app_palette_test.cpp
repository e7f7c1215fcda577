// Light and dark palettes (issue 8): with a dark palette the charts switch to their dark theme,
// the heatmap and tables draw light text, and nothing keeps black text on a dark background.
#include <QChart>
#include <QLineSeries>
#include <QTableWidget>
#include <QtTest>

#include "tests/ui/ui_test_main.h"
#include "ui/app_palette.h"
#include "ui/charts/adc_accuracy_chart.h"
#include "ui/charts/importance_chart.h"
#include "ui/main_window.h"
#include "ui/widgets/summary_panel.h"

using namespace cimscope;

namespace {
AdcSweepData sweep() {
  AdcSweepData d;
  d.source = "test";
  d.curves.push_back({"Float baseline", {QPointF(0, 0.9)}});
  d.curves.push_back({"W/A-quantized (no ADC)", {QPointF(0, 0.88)}});
  d.curves.push_back({"ADC-aware QAT", {QPointF(3, 0.7), QPointF(5, 0.85)}});
  return d;
}
}  // namespace

class AppPaletteTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void unknownNameIsRefused() {
    QVERIFY(!AppPalette::apply(*qApp, "purple"));
    QVERIFY(AppPalette::apply(*qApp, "system"));
  }

  void darkPaletteReachesChartsAndTables() {
    QVERIFY(AppPalette::apply(*qApp, "dark"));
    QVERIFY(AppPalette::isDark(qApp->palette()));
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    w.adcChart()->setData(sweep());
    QCOMPARE(w.adcChart()->chart()->theme(), QChart::ChartThemeDark);
    QCOMPARE(w.importanceChart()->chart()->theme(), QChart::ChartThemeDark);
    // The float level is drawn in the palette's text colour: light on the dark chart.
    const auto series = w.adcChart()->chart()->series();
    QVERIFY(!series.isEmpty());
    const auto* level = qobject_cast<QLineSeries*>(series.first());
    QVERIFY(level);
    QVERIFY2(level->pen().color().lightness() > 160,
             qPrintable(level->pen().color().name()));
    QTableWidget* table = w.summaryPanel()->table();
    QVERIFY(table->palette().color(QPalette::Text).lightness() > 160);
    QVERIFY(table->palette().color(QPalette::Base).lightness() < 100);

    // Back to light: the charts follow the palette change.
    QVERIFY(AppPalette::apply(*qApp, "light"));
    QTRY_COMPARE(w.adcChart()->chart()->theme(), QChart::ChartThemeLight);
    const auto* light_level = qobject_cast<QLineSeries*>(w.adcChart()->chart()->series().first());
    QVERIFY(light_level && light_level->pen().color().lightness() < 100);
  }
};

CIMSCOPE_QTEST_MAIN(AppPaletteTest)
#include "app_palette_test.moc"
