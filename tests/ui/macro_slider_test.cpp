// Dragging a macro slider remaps the network at once: the heatmap's macro count and the
// utilization label show what the engine's mapNetwork() computes for the same spec.
#include <QComboBox>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/cim/network_mapper.h"
#include "tests/ui/ui_test_main.h"
#include "ui/charts/occupancy_view.h"
#include "ui/explorer_model.h"
#include "ui/main_window.h"
#include "ui/widgets/macro_panel.h"
#include "ui/widgets/occupancy_panel.h"
#include "ui/widgets/slider_spin_row.h"

using namespace cimscope;

class MacroSliderTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(config_dir_.isValid());
    qputenv("XDG_CONFIG_HOME", config_dir_.path().toUtf8());
    qputenv("XDG_DATA_HOME", config_dir_.path().toUtf8());
  }

  void sliderChangesMacroCountAndUtilization() {
    MainWindow w;
    w.show();
    auto* rows = w.findChild<QSlider*>("rowsSlider");
    auto* cols = w.findChild<QSlider*>("colsSlider");
    auto* label = w.findChild<QLabel*>("utilizationLabel");
    QVERIFY(rows && cols && label);
    OccupancyPanel* occ = w.occupancyPanel();
    ExplorerModel* model = w.explorerModel();

    auto check = [&](int expected_rows, int expected_cols) {
      const MacroSpec m = w.macroPanel()->spec();
      QCOMPARE(m.rows, expected_rows);
      QCOMPARE(m.cols, expected_cols);
      const MappingReport r = mapNetwork(model->network(), m);
      QCOMPARE(occ->macroCount(), static_cast<int>(r.total.macros));
      QCOMPARE(occ->baselineView()->macroCount(), static_cast<int>(r.macros.size()));
      const QString util = QString::number(100 * r.total.utilization, 'f', 1) + " %";
      QVERIFY2(label->text().contains(util), qPrintable(label->text() + " vs " + util));
      QVERIFY2(label->text().startsWith(QLocale().toString(static_cast<qlonglong>(r.total.macros)) +
                                        " macros"),
               qPrintable(label->text()));
    };
    check(256, 256);
    const int before = occ->macroCount();
    rows->setValue(6);  // 2^6 = 64 wordlines: more row tiles
    check(64, 256);
    QVERIFY(occ->macroCount() > before);
    cols->setValue(10);  // 1024 bitlines
    check(64, 1024);
    // Active wordlines followed R ("all rows active") and stays within 1..R.
    QCOMPARE(w.macroPanel()->row("active_wordlines")->value(), 64);
    QCOMPARE(w.macroPanel()->row("active_wordlines")->maximum(), 64);
    // Free entry in the spin box: a non-power-of-two row count.
    w.macroPanel()->row("rows")->spinBox()->setValue(200);
    check(200, 1024);
  }

  void invalidCombinationIsShownInline() {
    MainWindow w;
    w.show();
    auto* error = w.findChild<QLabel*>("macroError");
    QVERIFY(error);
    QVERIFY(error->isHidden());
    const int macros = w.occupancyPanel()->macroCount();
    // 8-bit weights in 1-bit cells need 8 columns; 4 bitlines cannot hold one weight.
    w.macroPanel()->row("weight_bits")->spinBox()->setValue(8);
    w.macroPanel()->row("cols")->spinBox()->setValue(4);
    QVERIFY(!error->isHidden());
    QVERIFY2(error->text().contains("cols"), qPrintable(error->text()));
    // The window keeps the last valid design point.
    QVERIFY(w.occupancyPanel()->macroCount() > 0);
    w.macroPanel()->row("cols")->spinBox()->setValue(256);
    QVERIFY(error->isHidden());
    QVERIFY(w.occupancyPanel()->macroCount() >= macros);
  }

  void mappingIsFastEnoughForEveryFrame() {
    ExplorerModel model;
    NetworkSpec vgg;
    vgg.model = "vgg8";
    vgg.in_channels = 3;
    vgg.in_height = 32;
    vgg.in_width = 32;
    model.setNetwork(vgg);
    QVERIFY(model.mappingError().isEmpty());
    // One frame is 16 ms; the analytic mapping must leave most of it to drawing.
    QVERIFY2(model.lastMappingMicroseconds() < 8000,
             qPrintable(QString::number(model.lastMappingMicroseconds())));
  }

 private:
  QTemporaryDir config_dir_;
};

CIMSCOPE_QTEST_MAIN(MacroSliderTest)
#include "macro_slider_test.moc"
