// Export writes a valid PNG (decodable, requested size), SVG (parses as XML, requested size) and
// PDF (header, one page) for a chart and for the occupancy heatmap.
#include <QFile>
#include <QImageReader>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include "engine/cim/network_mapper.h"
#include "tests/ui/ui_test_main.h"
#include "ui/charts/adc_accuracy_chart.h"
#include "ui/charts/occupancy_view.h"
#include "ui/export_helper.h"

using namespace cimscope;

class ExportHelperTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void exportsEveryFormat_data() {
    QTest::addColumn<QString>("what");
    QTest::newRow("chart") << "chart";
    QTest::newRow("heatmap") << "heatmap";
  }

  void exportsEveryFormat() {
    QFETCH(QString, what);
    AdcAccuracyChart chart;
    OccupancyView view;
    QWidget* target = nullptr;
    if (what == "chart") {
      // Test input for the renderer, not shown to any user.
      AdcSweepData d;
      d.source = "export test";
      d.curves.push_back({"ADC-aware", {{3, 0.6}, {4, 0.8}, {5, 0.88}}});
      d.curves.push_back({"Float", {{0, 0.9}}});
      chart.setData(d);
      chart.resize(640, 400);
      target = chart.exportWidget();
    } else {
      NetworkSpec net;
      const MacroSpec macro;
      view.setMapping(mapNetwork(net, macro), macro);
      view.resize(500, 400);
      target = &view;
    }
    const QSize size(1200, 800);

    const QString png = dir_.filePath(what + ".png");
    QCOMPARE(ExportHelper::exportWidget(target, png, size), QString());
    QImageReader reader(png);
    QCOMPARE(reader.format(), QByteArray("png"));
    const QImage img = reader.read();
    QVERIFY(!img.isNull());
    QCOMPARE(img.size(), size);
    QSet<QRgb> colours;  // something was drawn
    for (int y = 0; y < img.height(); y += 7)
      for (int x = 0; x < img.width(); x += 7) colours.insert(img.pixel(x, y));
    QVERIFY2(colours.size() > 4, qPrintable(QString::number(colours.size())));

    const QString svg = dir_.filePath(what + ".svg");
    QCOMPARE(ExportHelper::exportWidget(target, svg, size), QString());
    QFile sf(svg);
    QVERIFY(sf.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&sf);
    bool root = false;
    int elements = 0;
    while (!xml.atEnd()) {
      if (xml.readNext() == QXmlStreamReader::StartElement) {
        ++elements;
        if (!root) {
          root = true;
          QCOMPARE(xml.name().toString(), QString("svg"));
          QVERIFY(xml.attributes().value("viewBox").toString().contains("1200 800"));
        }
      }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(elements > 10);

    const QString pdf = dir_.filePath(what + ".pdf");
    QCOMPARE(ExportHelper::exportWidget(target, pdf, size), QString());
    QFile pf(pdf);
    QVERIFY(pf.open(QIODevice::ReadOnly));
    const QByteArray bytes = pf.readAll();
    QVERIFY(bytes.startsWith("%PDF-"));
    QVERIFY(bytes.trimmed().endsWith("%%EOF"));
    const QRegularExpression page("/Type\\s*/Page[^s]");
    QCOMPARE(static_cast<int>(QString::fromLatin1(bytes).count(page)), 1);
  }

  void rejectsUnknownFormatAndBadSize() {
    AdcAccuracyChart chart;
    QVERIFY(!ExportHelper::exportWidget(&chart, dir_.filePath("x.bmpx"), {100, 100}).isEmpty());
    QVERIFY(!ExportHelper::exportWidget(&chart, dir_.filePath("x.png"), {0, 100}).isEmpty());
  }

 private:
  QTemporaryDir dir_;
};

CIMSCOPE_QTEST_MAIN(ExportHelperTest)
#include "export_helper_test.moc"
