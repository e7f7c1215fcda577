#include "ui/design_report_writer.h"

#include <QBarCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QLegend>
#include <QLegendMarker>
#include <QFileInfo>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QWidget>
#include <algorithm>

#include "engine/common/version.h"
#include "ui/export_helper.h"

namespace cimscope {

namespace {

// Paper, not screen: the report is black on white whatever the desktop palette.
const QColor kInk(0x21, 0x21, 0x21);
const QColor kRule(0xbd, 0xbd, 0xbd);
const QColor kStripe(0xf2, 0xf2, 0xf2);

QFont font(double points, bool bold = false) {
  QFont f;
  f.setPointSizeF(points);
  f.setBold(bold);
  return f;
}

// A table of wrapped cells in `area`; column widths as fractions of its width. The first row is
// the header. Returns the height used.
double drawTable(QPainter& p, const QRectF& area, const QVector<QStringList>& rows,
                 const QVector<double>& fractions, double points) {
  const double pad = 3;
  double y = area.top();
  for (int r = 0; r < rows.size(); ++r) {
    p.setFont(font(points, r == 0));
    double h = 0;
    QVector<QRectF> cells;
    double x = area.left();
    for (int c = 0; c < fractions.size(); ++c) {
      const double w = fractions[c] * area.width();
      const QRectF cell(x + pad, y + pad, w - 2 * pad, 1000);
      const QString text = rows[r].value(c);
      h = std::max(h, p.boundingRect(cell, Qt::TextWordWrap, text).height());
      cells.push_back(cell);
      x += w;
    }
    const double row_h = h + 2 * pad;
    if (r > 0 && r % 2 == 0) p.fillRect(QRectF(area.left(), y, area.width(), row_h), kStripe);
    p.setPen(kInk);
    for (int c = 0; c < cells.size(); ++c) {
      QRectF cell = cells[c];
      cell.setHeight(h);
      // Numbers right-aligned under their column; names left.
      const int align = (c == 0 ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignTop | Qt::TextWordWrap;
      p.drawText(cell, align, rows[r].value(c));
    }
    y += row_h;
    p.setPen(QPen(kRule, r == 0 ? 1.2 : 0.5));
    p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
  }
  return y - area.top();
}

// A heading, then `widget` rendered into the rest of `area`. A chart's own title becomes the
// heading (wrapped, not elided), and the chart is laid out 1.4x larger than the box and scaled
// down, so its axes and legend fit a third of a page; a legend of more than three entries moves
// to the right as a column (1.65x, so the column is not elided).
void drawFigure(QPainter& p, const QRectF& area, const QString& heading, QWidget* widget) {
  auto* view = qobject_cast<QChartView*>(widget);
  QChart* chart = view ? view->chart() : nullptr;
  const QString title = chart ? chart->title() : QString();
  p.setFont(font(9, true));
  p.setPen(kInk);
  const QString text = title.isEmpty() ? heading : title;
  const QRectF head_rect(area.left(), area.top(), area.width(), 200);
  const double head = p.boundingRect(head_rect, Qt::TextWordWrap, text).height() + 4;
  p.drawText(head_rect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, text);
  const QRectF body(area.left(), area.top() + head, area.width(), area.height() - head);
  p.setPen(QPen(kRule, 0.5));
  p.drawRect(body);
  if (!widget) return;
  const QRectF inner = body.adjusted(1, 1, -1, -1);
  if (!chart) {
    ExportHelper::render(widget, &p, inner);
    return;
  }
  const Qt::Alignment legend = chart->legend()->alignment();
  int entries = 0;
  for (QLegendMarker* m : chart->legend()->markers()) entries += m->isVisible() ? 1 : 0;
  chart->setTitle({});
  if (entries > 3) chart->legend()->setAlignment(Qt::AlignRight);
  // Category labels stand upright in the narrower box, so Qt does not elide them.
  struct Saved {
    QAbstractAxis* axis;
    int angle;
    QFont font;
  };
  QVector<Saved> saved;
  for (QAbstractAxis* a : chart->axes(Qt::Horizontal)) {
    if (qobject_cast<QBarCategoryAxis*>(a)) {
      saved.push_back({a, a->labelsAngle(), a->labelsFont()});
      QFont small = a->labelsFont();
      small.setPointSizeF(small.pointSizeF() * 0.8);
      a->setLabelsFont(small);
      a->setLabelsAngle(-90);
    }
  }
  const double k = entries > 3 ? 1.65 : 1.4;  // room for the legend column beside the plot
  p.save();
  p.translate(inner.topLeft());
  p.scale(1 / k, 1 / k);
  ExportHelper::render(widget, &p, QRectF(0, 0, inner.width() * k, inner.height() * k));
  p.restore();
  chart->setTitle(title);
  chart->legend()->setAlignment(legend);
  for (const Saved& a : saved) {
    a.axis->setLabelsAngle(a.angle);
    a.axis->setLabelsFont(a.font);
  }
}

}  // namespace

QVector<QStringList> DesignReportWriter::macroRows(const MacroSpec& m) {
  const QLocale loc;
  auto n = [&](int v) { return loc.toString(v); };
  auto bits = [&](int v) { return QObject::tr("%1 bit").arg(v); };
  return {
      {QObject::tr("Preset"), QString::fromStdString(m.name)},
      {QObject::tr("Wordlines x bitlines (R x C)"), QObject::tr("%1 x %2").arg(m.rows).arg(m.cols)},
      {QObject::tr("Active wordlines (A)"), n(m.active_wordlines)},
      {QObject::tr("Cell / weight bits"), QObject::tr("%1 / %2 bit").arg(m.cell_bits).arg(m.weight_bits)},
      {QObject::tr("Input / DAC bits"), QObject::tr("%1 / %2 bit").arg(m.input_bits).arg(m.dac_bits)},
      {QObject::tr("ADC resolution"), bits(m.adc_bits)},
      {QObject::tr("ADCs per macro"), n(m.adcs)},
      {QObject::tr("Macros on chip (M)"), n(m.macros_on_chip)},
      {QObject::tr("Weight bus"), QObject::tr("%1 bit/cycle").arg(m.bus_bits)},
      {QObject::tr("Row split / slices"),
       QStringLiteral("%1 / %2").arg(toString(m.row_split), toString(m.slice_combine))},
      {QObject::tr("Signed mapping / packing"),
       QStringLiteral("%1 / %2").arg(toString(m.signed_mapping), toString(m.packing))},
      {QObject::tr("Clock"), QObject::tr("%1 MHz").arg(m.clock_mhz, 0, 'g', 4)},
      {QObject::tr("ADC energy"),
       QObject::tr("%1 pJ at %2 bit").arg(m.e_adc_pj, 0, 'g', 3).arg(m.e_adc_ref_bits)},
      {QObject::tr("MAC / write energy"),
       QObject::tr("%1 pJ / %2 pJ per bit").arg(m.e_mac_pj, 0, 'g', 3).arg(m.e_write_pj, 0, 'g', 3)},
  };
}

QString DesignReportWriter::write(const DesignReportContent& c, const QString& path) {
  QPdfWriter pdf(path);
  pdf.setResolution(96);  // layout in screen pixels, so widgets render at their usual scale
  pdf.setTitle(QObject::tr("cimscope design-point report"));
  pdf.setCreator(QStringLiteral("cimscope"));
  pdf.setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape,
                                QMarginsF(10, 10, 10, 10), QPageLayout::Millimeter));
  QPainter p;
  if (!p.begin(&pdf)) return QObject::tr("cannot write %1").arg(path);
  const QRectF page(0, 0, pdf.width(), pdf.height());
  p.fillRect(page, Qt::white);
  p.setPen(kInk);

  // Header: what, from where, when.
  p.setFont(font(15, true));
  const double title_h = p.fontMetrics().height();
  p.drawText(QRectF(page.left(), page.top(), page.width(), title_h), Qt::AlignLeft,
             QObject::tr("Design-point report \u2014 %1").arg(QString::fromStdString(c.macro.name)));
  p.setFont(font(8));
  const QString sub = QObject::tr("%1 \u00b7 %2 \u00b7 %3 \u00b7 %4")
                          .arg(c.network,
                               c.project.isEmpty() ? QObject::tr("no stored results")
                                                   : QFileInfo(c.project).fileName(),
                               QDateTime::currentDateTime().toString("yyyy-MM-dd HH:mm"),
                               QString::fromStdString(versionLine()));
  const double sub_h = p.fontMetrics().height();
  p.drawText(QRectF(page.left(), page.top() + title_h, page.width(), sub_h), Qt::AlignLeft, sub);
  double y = page.top() + title_h + sub_h + 8;

  // Top band: macro spec (left), summary table and notes (right).
  const double gap = 14;
  const double left_w = page.width() * 0.27;
  const QRectF spec_area(page.left(), y, left_w, page.height());
  p.setFont(font(9, true));
  const double head = p.fontMetrics().height() + 2;
  p.drawText(QRectF(spec_area.left(), y, left_w, head), Qt::AlignLeft, QObject::tr("Macro"));
  QVector<QStringList> spec = {{QObject::tr("Field"), QObject::tr("Value")}};
  spec += macroRows(c.macro);
  const double spec_h = drawTable(p, spec_area.translated(0, head), spec, {0.55, 0.45}, 7.5);

  const QRectF sum_area(page.left() + left_w + gap, y, page.width() - left_w - gap, page.height());
  p.setFont(font(9, true));
  p.setPen(kInk);
  p.drawText(QRectF(sum_area.left(), y, sum_area.width(), head), Qt::AlignLeft,
             QObject::tr("Summary at this macro"));
  QVector<QStringList> rows = {c.summary_header};
  rows += c.summary_rows;
  double sum_h = drawTable(p, sum_area.translated(0, head), rows, {0.19, 0.27, 0.27, 0.27}, 7.5);
  p.setFont(font(7));
  p.setPen(kInk);
  const QRectF notes_rect(sum_area.left(), y + head + sum_h + 4, sum_area.width(), 1000);
  const QString notes = c.notes.join("\n");
  const double notes_h = p.boundingRect(notes_rect, Qt::TextWordWrap, notes).height();
  p.drawText(notes_rect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, notes);
  y += head + std::max(spec_h, sum_h + 4 + notes_h) + 12;

  // Bottom band: the three figures side by side, as large as the page leaves.
  const double fig_h = std::max(120.0, page.bottom() - y);
  // The heatmap needs less width than the two charts with their axes and legends.
  const double free_w = page.width() - 2 * gap;
  const double occ_w = 0.25 * free_w, imp_w = 0.41 * free_w, adc_w = free_w - occ_w - imp_w;
  drawFigure(p, QRectF(page.left(), y, occ_w, fig_h), QObject::tr("Macro occupancy (baseline)"),
             c.occupancy);
  drawFigure(p, QRectF(page.left() + occ_w + gap, y, imp_w, fig_h),
             QObject::tr("Layer importance and macro cost"), c.importance);
  drawFigure(p, QRectF(page.left() + occ_w + imp_w + 2 * gap, y, adc_w, fig_h),
             QObject::tr("Accuracy vs ADC resolution"), c.adc);
  p.end();
  return QFileInfo(path).size() > 0 ? QString() : QObject::tr("cannot write %1").arg(path);
}

}  // namespace cimscope
