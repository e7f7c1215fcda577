// The main window's dataset browser: listing, selecting a data set, and the sample grid.
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/ui_test_main.h"
#include "ui/main_window.h"
#include "ui/widgets/dataset_browser_panel.h"

using cimscope::MainWindow;

namespace {

int rowOf(QListWidget* list, const QString& prefix) {
  for (int i = 0; i < list->count(); ++i) {
    if (list->item(i)->text().startsWith(prefix)) return i;
  }
  return -1;
}

}  // namespace

class MainWindowTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(config_dir_.isValid());
    // Keep the user's settings out of the test and the test's out of the user's.
    qputenv("XDG_CONFIG_HOME", config_dir_.path().toUtf8());
  }

  void windowHasMenusAndStatusBar() {
    MainWindow w;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QStringList menus;
    for (QAction* a : w.menuBar()->actions()) menus << a->text().remove('&');
    QVERIFY2(menus.contains("File") && menus.contains("Help"), qPrintable(menus.join(",")));
    QVERIFY(w.statusBar() != nullptr);
  }

  // A first start (no saved layout) gives the jobs dock a strip, not a third of the window.
  void jobsDockStartsAsAStrip() {
    MainWindow w;
    w.resize(1440, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const int want = MainWindow::defaultJobsDockHeight(w.height());
    QCOMPARE(want, 112);  // 900 / 8, within 100..160
    QTRY_VERIFY2(std::abs(w.jobsDock()->height() - want) <= 12,
                 qPrintable(QString::number(w.jobsDock()->height())));
  }

  void syntheticDatasetFillsTheGrid() {
    MainWindow w;
    w.show();
    auto* list = w.findChild<QListWidget*>("datasetList");
    auto* grid = w.findChild<QListWidget*>("sampleGrid");
    auto* classes = w.findChild<QComboBox*>("classBox");
    QVERIFY(list && grid && classes);
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(list, "synthetic") >= 0, 20000);
    list->setCurrentRow(rowOf(list, "synthetic"));
    QTRY_VERIFY_WITH_TIMEOUT(grid->count() > 0, 30000);
    // Every class appears, equally often, each image labelled with its class name.
    const int n_classes = classes->count() - 1;
    QCOMPARE(n_classes, 10);
    QCOMPARE(grid->count() % n_classes, 0);
    for (int i = 0; i < grid->count(); ++i) {
      const int label = grid->item(i)->data(Qt::UserRole).toInt();
      QCOMPARE(grid->item(i)->text(), classes->itemText(label + 1));
      QVERIFY(!grid->item(i)->icon().isNull());
    }
    // Filtering by class shows only that class.
    classes->setCurrentIndex(4);
    QTRY_VERIFY_WITH_TIMEOUT(grid->count() > 0 && grid->item(0)->data(Qt::UserRole).toInt() == 3,
                             30000);
    for (int i = 0; i < grid->count(); ++i) QCOMPARE(grid->item(i)->data(Qt::UserRole).toInt(), 3);
  }

  void fashionMnistShowsRealImages() {
    MainWindow w;
    w.show();
    auto* list = w.findChild<QListWidget*>("datasetList");
    auto* grid = w.findChild<QListWidget*>("sampleGrid");
    auto* info = w.findChild<QLabel*>("datasetInfo");
    QTRY_VERIFY_WITH_TIMEOUT(rowOf(list, "fashion-mnist") >= 0, 20000);
    const int row = rowOf(list, "fashion-mnist");
    if (list->item(row)->text().contains("missing")) {
      QSKIP("Fashion-MNIST is not installed (packaging/install-deps.sh installs it)");
    }
    list->setCurrentRow(row);
    QTRY_VERIFY_WITH_TIMEOUT(grid->count() == 120, 60000);
    QCOMPARE(grid->item(0)->text(), QString("T-shirt/top"));
    QCOMPARE(grid->item(119)->text(), QString("Ankle boot"));
    QVERIFY2(info->text().contains("60,000") || info->text().contains("60000"),
             qPrintable(info->text()));
    // The thumbnails hold real pictures: not a flat image.
    const QImage img = grid->item(0)->icon().pixmap(84, 84).toImage();
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 3)
      for (int x = 0; x < img.width(); x += 3) colours.insert(img.pixel(x, y));
    QVERIFY2(colours.size() > 8, "thumbnail looks blank");
  }

 private:
  QTemporaryDir config_dir_;
};

CIMSCOPE_QTEST_MAIN(MainWindowTest)
#include "main_window_test.moc"
