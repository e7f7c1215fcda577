// File > Export > Design-point report (issue 8): one PDF page with the macro spec, the summary
// table and the charts.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/ui/ui_test_main.h"
#include "ui/main_window.h"
#include "ui/widgets/macro_panel.h"

using namespace cimscope;

namespace {
// Page objects in a PDF: "/Type /Page" entries, not "/Type /Pages".
int pageCount(const QByteArray& pdf) {
  int n = 0;
  for (int i = pdf.indexOf("/Type /Page"); i >= 0; i = pdf.indexOf("/Type /Page", i + 1)) {
    if (pdf.mid(i + 11, 1) != "s") ++n;
  }
  return n;
}
}  // namespace

class DesignReportTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    cimscope_test::isolateSettings(dir_.path());
  }

  void reportIsOnePdfPage() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const DesignReportContent c = w.designReport();
    QCOMPARE(c.summary_rows.size(), 10);
    QCOMPARE(c.summary_header.size(), 4);
    QVERIFY(c.occupancy && c.importance && c.adc);
    QCOMPARE(c.macro.rows, w.macroPanel()->spec().rows);

    const QString path = dir_.filePath("report.pdf");
    QCOMPARE(w.exportReport(path), QString());
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    QCOMPARE(pageCount(bytes), 1);
  }

  void macroRowsCarryUnits() {
    MacroSpec m;
    m.rows = 128;
    m.adc_bits = 6;
    const auto rows = DesignReportWriter::macroRows(m);
    bool found_array = false, found_adc = false;
    for (const QStringList& r : rows) {
      QCOMPARE(r.size(), 2);
      if (r[0].startsWith("Wordlines")) found_array = r[1] == "128 x 256";
      if (r[0] == "ADC resolution") found_adc = r[1] == "6 bit";
    }
    QVERIFY(found_array && found_adc);
  }

  void unwritablePathIsReported() {
    MainWindow w;
    QVERIFY(!w.exportReport(dir_.filePath("missing/report.pdf")).isEmpty());
  }

 private:
  QTemporaryDir dir_;
};

CIMSCOPE_QTEST_MAIN(DesignReportTest)
#include "design_report_test.moc"
