#include "ui/charts/sweep_scatter_chart.h"

#include <QChart>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "ui/charts/pareto_front.h"

namespace cimscope {

QString SweepScatterChart::defaultEmptyText() {
  return tr("No sweep loaded: run a design-space sweep (Run > Sweep) or open a sweep file "
            "(File > Open).\n\nEvery evaluated point appears here as it finishes, with the "
            "accuracy / cost Pareto front highlighted.");
}

SweepScatterChart::SweepScatterChart(QWidget* parent) : ChartFrame(defaultEmptyText(), parent) {
  setObjectName("sweepScatter");
}

void SweepScatterChart::setData(const SweepData& data) {
  data_ = data;
  rebuild();
}

void SweepScatterChart::setAxis(SweepAxis axis) {
  axis_ = axis;
  rebuild();
}

double SweepScatterChart::xOf(const SweepPointRow& p) const {
  switch (axis_) {
    case SweepAxis::kLatency: return p.latency_us;
    case SweepAxis::kMacros: return static_cast<double>(p.macros);
    case SweepAxis::kEnergy: return p.energy_pj / 1000.0;
  }
  return 0;
}

void SweepScatterChart::rebuild() {
  QChart* c = chart();
  c->removeAllSeries();
  selected_ = nullptr;
  clearAxes();
  QVector<QPointF> pts;
  plotted_.clear();
  for (int i = 0; i < data_.points.size(); ++i) {
    if (data_.points[i].accuracy < 0) continue;
    pts.push_back(QPointF(xOf(data_.points[i]), 100 * data_.points[i].accuracy));
    plotted_.push_back(i);
  }
  if (pts.isEmpty()) {
    showEmpty(data_.isEmpty() ? QString() : tr("The sweep has no evaluated points yet."));
    return;
  }
  auto* all = new QScatterSeries;
  all->setName(tr("Design points"));
  all->setMarkerSize(8);
  for (const QPointF& p : pts) all->append(p);
  const QVector<int> front = paretoFront(pts);
  front_.clear();
  auto* line = new QLineSeries;
  line->setName(tr("Pareto front"));
  auto* front_pts = new QScatterSeries;
  front_pts->setName(tr("Pareto-optimal"));
  front_pts->setMarkerSize(12);
  front_pts->setColor(QColor(0xd6, 0x27, 0x28));
  for (int i : front) {
    line->append(pts[i]);
    front_pts->append(pts[i]);
    front_.push_back(plotted_[i]);
  }
  QPen pen(QColor(0xd6, 0x27, 0x28));
  pen.setWidth(2);
  line->setPen(pen);
  double x0 = pts[0].x(), x1 = x0;
  for (const QPointF& p : pts) x0 = std::min(x0, p.x()), x1 = std::max(x1, p.x());
  const double pad = std::max(1e-9, (x1 - x0) * 0.05);
  auto* x = new QValueAxis;
  x->setTitleText(axis_ == SweepAxis::kLatency ? tr("Latency per inference (\u00b5s)")
                  : axis_ == SweepAxis::kMacros ? tr("Macros used")
                                                : tr("Energy per inference (nJ)"));
  x->setRange(std::max(0.0, x0 - pad), x1 + pad);
  x->applyNiceNumbers();  // round ticks (100, 200, ...) instead of the data extremes
  auto* y = new QValueAxis;
  y->setTitleText(tr("Test accuracy (%)"));
  y->setRange(0, 100);
  c->addAxis(x, Qt::AlignBottom);
  c->addAxis(y, Qt::AlignLeft);
  for (QXYSeries* s : std::initializer_list<QXYSeries*>{all, line, front_pts}) {
    c->addSeries(s);
    s->attachAxis(x);
    s->attachAxis(y);
  }
  selected_ = new QScatterSeries;
  selected_->setName(tr("Selected"));
  selected_->setMarkerSize(18);
  selected_->setColor(Qt::transparent);
  selected_->setBorderColor(QColor(0xff, 0x7f, 0x0e));
  QPen ring(QColor(0xff, 0x7f, 0x0e));
  ring.setWidth(3);
  selected_->setPen(ring);
  c->addSeries(selected_);
  selected_->attachAxis(x);
  selected_->attachAxis(y);
  auto clicked = [this](const QPointF& p) {
    // The clicked point's sweep index: the nearest plotted point.
    int best = -1;
    double d = 1e300;
    for (int k = 0; k < plotted_.size(); ++k) {
      const auto& sp = data_.points[plotted_[k]];
      const double dd = std::hypot(xOf(sp) - p.x(), 100 * sp.accuracy - p.y());
      if (dd < d) d = dd, best = plotted_[k];
    }
    if (best >= 0) Q_EMIT pointClicked(best);
  };
  connect(all, &QScatterSeries::clicked, this, clicked);
  connect(front_pts, &QScatterSeries::clicked, this, clicked);
  c->setTitle(tr("Sweep: %1 points, %2 on the Pareto front \u2014 %3")
                  .arg(pts.size()).arg(front.size()).arg(data_.source));
  c->legend()->setAlignment(Qt::AlignBottom);
  setSelected(selected_index_);
  showChart();
}

void SweepScatterChart::setSelected(int point) {
  selected_index_ = point;
  if (!selected_) return;
  selected_->clear();
  if (point >= 0 && point < data_.points.size() && data_.points[point].accuracy >= 0) {
    selected_->append(xOf(data_.points[point]), 100 * data_.points[point].accuracy);
  }
}

}  // namespace cimscope
