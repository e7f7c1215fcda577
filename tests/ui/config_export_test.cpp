// File > Export > Experiment config (issue 8): the written file is what `cimscope-cli run
// --config` takes. It is read back with the engine's own parser (ExperimentConfig::readFile)
// and carries the panels' values.
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include "engine/data/dataset_catalog.h"
#include "engine/jobs/experiment_config.h"
#include "tests/ui/ui_test_main.h"
#include "ui/engine_worker.h"
#include "ui/explorer_model.h"
#include "ui/main_window.h"
#include "ui/widgets/macro_panel.h"
#include "ui/widgets/model_panel.h"

using namespace cimscope;

class ConfigExportTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    cimscope_test::isolateSettings(dir_.path());
  }

  void exportedConfigParsesAndCarriesThePanels() {
    MainWindow w;
    w.modelPanel()->setTemplate("lenet5");
    w.modelPanel()->setDatasetName("synthetic");
    // The full preset: the quick one's training subsets are larger than the synthetic set.
    w.modelPanel()->setQuickPreset(false);
    // The data set box fills when the engine thread has listed the data sets.
    QTRY_COMPARE_WITH_TIMEOUT(w.modelPanel()->datasetName(), QString("synthetic"), 20000);
    MacroSpec m = w.macroPanel()->spec();
    m.rows = 128;
    m.cols = 512;
    m.active_wordlines = 64;
    m.adc_bits = 6;
    m.weight_bits = 3;
    m.macros_on_chip = 48;
    w.macroPanel()->setSpec(m);
    QCOMPARE(w.explorerModel()->macro().rows, 128);
    const std::vector<int> widths = w.explorerModel()->network().widths;

    const QString path = dir_.filePath("exported.json");
    w.exportConfig(path);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path), 10000);

    const ExperimentConfig c = ExperimentConfig::readFile(path.toStdString());
    c.validate();
    QCOMPARE(QString::fromStdString(c.model), QString("lenet5"));
    QCOMPARE(QString::fromStdString(c.dataset.name), QString("synthetic"));
    QVERIFY(c.widths == widths);
    const MacroSpec got = c.macro();
    QCOMPARE(got.rows, 128);
    QCOMPARE(got.cols, 512);
    QCOMPARE(got.active_wordlines, 64);
    QCOMPARE(got.adc_bits, 6);
    QCOMPARE(got.weight_bits, 3);
    QCOMPARE(got.macros_on_chip, 48);
    // The full preset's training settings came along (resources/configs/full.json).
    const ExperimentConfig full =
        ExperimentConfig::readFile(MainWindow::findConfigPreset("full.json").toStdString());
    QCOMPARE(c.baseline_train.epochs, full.baseline_train.epochs);
    QCOMPARE(c.stage2.train.epochs, full.stage2.train.epochs);
    QCOMPARE(c.adc_sweep.bits, full.adc_sweep.bits);
    QVERIFY(!full.stage2.exclude_first_last);
    QVERIFY(!c.stage2.exclude_first_last);  // the switch is off by default

    // The Stage 2 switch "First and last layers in float" goes into the exported config.
    w.modelPanel()->setStage2FirstLastInFloat(true);
    const QString path2 = dir_.filePath("exported-xfl.json");
    w.exportConfig(path2);
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path2), 10000);
    QVERIFY(ExperimentConfig::readFile(path2.toStdString()).stage2.exclude_first_last);
    w.modelPanel()->setStage2FirstLastInFloat(false);  // not left in the settings for later tests
  }

  // The quick preset asks for more training samples (4,000) than synthetic data makes by
  // default (2,000): the exported config makes as many, and validates.
  void quickPresetOnSyntheticDataGrowsTheGeneratedSet() {
    MainWindow w;
    w.modelPanel()->setTemplate("lenet5");
    w.modelPanel()->setDatasetName("synthetic");
    w.modelPanel()->setQuickPreset(true);
    QTRY_COMPARE_WITH_TIMEOUT(w.modelPanel()->datasetName(), QString("synthetic"), 20000);
    const ExperimentConfig quick =
        ExperimentConfig::readFile(MainWindow::findConfigPreset("quick.json").toStdString());
    QVERIFY(quick.dataset.subset_train > DatasetConfig().synthetic_train);
    const ExperimentConfig c = ExperimentConfig::fromJson(
        nlohmann::json::parse(w.pipelineConfigJson(true)), "exported");
    c.validate();
    QCOMPARE(c.dataset.subset_train, quick.dataset.subset_train);
    QCOMPARE(c.dataset.synthetic_train, quick.dataset.subset_train);
    QCOMPARE(c.dataset.synthetic_test,
             std::max(DatasetConfig().synthetic_test, quick.dataset.subset_test));
  }

  void unwritablePathReportsTheReason() {
    MainWindow w;
    QStringList messages;
    connect(w.statusBar(), &QStatusBar::messageChanged, [&](const QString& m) { messages << m; });
    w.exportConfig(dir_.filePath("no-such-folder/exported.json"));
    QTRY_VERIFY_WITH_TIMEOUT(messages.join('\n').contains("Exporting the config failed"), 10000);
    QVERIFY(!QFileInfo::exists(dir_.filePath("no-such-folder/exported.json")));
  }

 private:
  QTemporaryDir dir_;
};

CIMSCOPE_QTEST_MAIN(ConfigExportTest)
#include "config_export_test.moc"
