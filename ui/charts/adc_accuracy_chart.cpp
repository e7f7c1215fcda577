#include "ui/charts/adc_accuracy_chart.h"

#include <QChart>
#include <QEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QPen>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace cimscope {

QString AdcAccuracyChart::defaultEmptyText() {
  return tr("No ADC sweep yet: run one on the open checkpoint (Run > ADC sweep).\n\nThe chart "
            "compares float, W/A-quantized, ADC-unaware and ADC-aware accuracy over ADC bits, "
            "with the current ADC slider marked.");
}

AdcAccuracyChart::AdcAccuracyChart(QWidget* parent) : ChartFrame(defaultEmptyText(), parent) {
  setObjectName("adcAccuracyChart");
  chart()->setTitle(tr("Accuracy vs ADC resolution"));
}

void AdcAccuracyChart::clear() {
  data_ = {};
  chart()->removeAllSeries();
  marker_ = nullptr;
  quick_ = nullptr;
  showEmpty();
}

void AdcAccuracyChart::setData(const AdcSweepData& data) {
  data_ = data;
  QChart* c = chart();
  c->removeAllSeries();
  marker_ = nullptr;
  quick_ = nullptr;
  clearAxes();
  if (data.isEmpty()) {
    showEmpty();
    return;
  }
  x_min_ = 1e9;
  x_max_ = -1e9;
  for (const auto& curve : data.curves) {
    if (curve.points.size() == 1) continue;  // a level: its x (0) is not an ADC resolution
    for (const QPointF& p : curve.points) {
      x_min_ = std::min(x_min_, p.x());
      x_max_ = std::max(x_max_, p.x());
    }
  }
  if (x_min_ > x_max_) x_min_ = 1, x_max_ = 12;
  x_min_ = std::min(x_min_, static_cast<double>(adc_bits_));
  x_max_ = std::max(x_max_, static_cast<double>(adc_bits_));
  if (quick_accuracy_ >= 0) {
    x_min_ = std::min(x_min_, static_cast<double>(quick_bits_));
    x_max_ = std::max(x_max_, static_cast<double>(quick_bits_));
  }
  auto* x = new QValueAxis;
  x->setTitleText(tr("ADC resolution (bits)"));
  x->setRange(x_min_ - 0.25, x_max_ + 0.25);
  x->setTickType(QValueAxis::TicksDynamic);
  x->setTickAnchor(0);
  x->setTickInterval(1);
  x->setLabelFormat("%d");
  auto* y = new QValueAxis;
  y->setTitleText(tr("Test accuracy (%)"));
  // From a round number under the lowest point to 100 %: the curves of a good network sit
  // within a few points of each other and would be a flat band on a 0-100 axis.
  double lowest = 100;
  for (const auto& curve : data.curves) {
    for (const QPointF& p : curve.points) lowest = std::min(lowest, 100 * p.y());
  }
  if (quick_accuracy_ >= 0) lowest = std::min(lowest, 100 * quick_accuracy_);
  const double y_lo = std::max(0.0, std::floor((lowest - 5) / 10) * 10);
  y->setRange(y_lo, 100);
  y->setTickType(QValueAxis::TicksDynamic);
  y->setTickAnchor(0);
  y->setTickInterval(100 - y_lo <= 30 ? 5 : 10);
  y->setLabelFormat("%d");
  c->addAxis(x, Qt::AlignBottom);
  c->addAxis(y, Qt::AlignLeft);
  int levels = 0;
  for (const auto& curve : data.curves) {
    auto* s = new QLineSeries;
    s->setName(curve.name);
    if (curve.points.size() == 1) {
      // A reference that does not depend on the ADC (float, W/A only): a dashed level.
      const double v = 100 * curve.points.front().y();
      s->append(x_min_ - 0.25, v);
      s->append(x_max_ + 0.25, v);
      // Two levels at most (float, W/A-quantized): distinct colours and dashes so the legend
      // tells them apart; the first in the palette's text colour (light or dark theme).
      const bool first = levels++ == 0;
      const bool dark = palette().color(QPalette::Window).lightness() < 128;
      QPen pen(first ? palette().color(QPalette::WindowText)
                     : (dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32)));
      pen.setWidth(2);
      pen.setStyle(first ? Qt::DashLine : Qt::DashDotLine);
      s->setPen(pen);
    } else {
      for (const QPointF& p : curve.points) s->append(p.x(), 100 * p.y());
      s->setPointsVisible(true);
    }
    c->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
  }
  marker_ = new QLineSeries;
  c->addSeries(marker_);
  marker_->attachAxis(x);
  marker_->attachAxis(y);
  QPen pen(QColor(0xc6, 0x28, 0x28));
  pen.setWidth(2);
  pen.setStyle(Qt::DotLine);
  marker_->setPen(pen);
  updateMarker();
  updateQuickPoint();
  c->legend()->setAlignment(Qt::AlignBottom);
  c->setTitle(tr("Accuracy vs ADC resolution \u2014 %1").arg(data.source));
  showChart();
}

void AdcAccuracyChart::setCurrentAdcBits(int bits) {
  adc_bits_ = bits;
  if (!data_.isEmpty() && (bits < x_min_ || bits > x_max_)) {
    setData(data_);  // widen the axis to include the marker
    return;
  }
  updateMarker();
}

void AdcAccuracyChart::setQuickPoint(int bits, double accuracy) {
  quick_bits_ = bits;
  quick_accuracy_ = accuracy;
  if (!data_.isEmpty() && accuracy >= 0 && (bits < x_min_ || bits > x_max_)) {
    setData(data_);  // widen the axis to include the point
    return;
  }
  updateQuickPoint();
}

void AdcAccuracyChart::updateQuickPoint() {
  if (data_.isEmpty() || !marker_) return;
  QChart* c = chart();
  // The series exists only while there is a point, so the legend names it only then.
  if (quick_accuracy_ < 0) {
    if (quick_) {
      c->removeSeries(quick_);
      delete quick_;
      quick_ = nullptr;
    }
    return;
  }
  if (!quick_) {
    quick_ = new QScatterSeries;
    quick_->setName(tr("Quick evaluation (not retrained)"));
    quick_->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    quick_->setMarkerSize(11);
    quick_->setColor(QColor(0xc6, 0x28, 0x28));
    quick_->setBorderColor(palette().color(QPalette::WindowText));
    // Labelled at the point rather than in the legend, which has no room for a sixth entry.
    quick_->setPointLabelsVisible(true);
    quick_->setPointLabelsFormat(tr("quick evaluation, not retrained: @yPoint %"));
    quick_->setPointLabelsColor(palette().color(QPalette::WindowText));
    quick_->setPointLabelsClipping(false);
    c->addSeries(quick_);
    for (QAbstractAxis* a : marker_->attachedAxes()) quick_->attachAxis(a);
    for (QLegendMarker* m : c->legend()->markers(quick_)) m->setVisible(false);
  }
  quick_->clear();
  quick_->append(quick_bits_, std::round(10000 * quick_accuracy_) / 100);  // 2 decimals
}

void AdcAccuracyChart::changeEvent(QEvent* event) {
  ChartFrame::changeEvent(event);
  // Level and point colours come from the palette: redraw for a new one.
  if (event->type() == QEvent::PaletteChange && !data_.isEmpty()) setData(data_);
}

void AdcAccuracyChart::updateMarker() {
  if (!marker_) return;
  marker_->clear();
  marker_->append(adc_bits_, 0);
  marker_->append(adc_bits_, 100);
  marker_->setName(tr("Current macro: %1-bit ADC").arg(adc_bits_));
}

}  // namespace cimscope
