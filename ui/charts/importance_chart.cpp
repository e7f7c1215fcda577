#include "ui/charts/importance_chart.h"

#include <QRegularExpression>
#include <cmath>

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QSplitter>
#include <QValueAxis>
#include <algorithm>

#include "ui/charts/layer_palette.h"

namespace cimscope {

QString ImportanceChart::defaultEmptyText() {
  return tr("No importance data yet: run Stage 1 (Run > Stage 1).\n\nLayer importance is the "
            "sum of each layer's batch-norm |\u03b3|; it appears here with each layer's macro "
            "cost once Stage 1 has run.");
}

ImportanceChart::ImportanceChart(QWidget* parent) : ChartFrame(defaultEmptyText(), parent) {
  setObjectName("importanceChart");
  channels_ = new QChartView(new QChart);
  channels_->setRenderHint(QPainter::Antialiasing);
  channels_->hide();
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(chartView());
  // The stack hid the view while it was a non-current page; a splitter keeps it hidden.
  chartView()->show();
  split->addWidget(channels_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  setContent(split);
  chart()->setTitle(tr("Layer importance and macro cost"));
}

void ImportanceChart::clear() {
  data_ = {};
  chart()->removeAllSeries();
  showEmpty();
}

void ImportanceChart::setData(const ImportanceData& data) {
  data_ = data;
  QChart* c = chart();
  c->removeAllSeries();
  clearAxes();
  if (data.isEmpty()) {
    showEmpty();
    return;
  }
  auto* importance = new QBarSet(tr("Importance (sum of |\u03b3|)"));
  auto* cost = new QLineSeries;
  cost->setName(tr("Macro cost (tiles)"));
  cost->setPointsVisible(true);
  QStringList names;
  double max_imp = 0, max_cost = 0;
  bool compact = false;
  for (int i = 0; i < data.layers.size(); ++i) {
    const auto& l = data.layers[i];
    *importance << l.importance;
    cost->append(i, l.macros);
    // Compact category labels so a ResNet's 19 layers fit without Qt eliding them:
    // "layer1.0.conv2" -> "1.0.2" (the axis title says so); the channel view names the layer.
    static const QRegularExpression block(R"(^layer(\d+)\.(\d+)\.conv(\d+)$)");
    const QRegularExpressionMatch m = block.match(l.layer);
    names << (m.hasMatch() ? QStringLiteral("%1.%2.%3").arg(m.captured(1), m.captured(2),
                                                            m.captured(3))
                           : l.layer);
    compact = compact || m.hasMatch();
    max_imp = std::max(max_imp, l.importance);
    max_cost = std::max(max_cost, static_cast<double>(l.macros));
  }
  importance->setColor(layerColor(0));
  auto* bars = new QBarSeries;
  bars->append(importance);
  c->addSeries(bars);
  c->addSeries(cost);
  auto* x = new QBarCategoryAxis;
  x->append(names);
  x->setTitleText(compact ? tr("Layer (forward order; 2.1.1 = layer2.1.conv1)")
                          : tr("Layer (forward order)"));
  x->setLabelsAngle(-60);
  auto* y = new QValueAxis;
  y->setTitleText(tr("Importance, sum of |\u03b3| (a.u.)"));
  y->setRange(0, max_imp * 1.1 + 1e-12);
  y->applyNiceNumbers();
  auto* y2 = new QValueAxis;
  y2->setTitleText(tr("Macro cost (tiles)"));
  // Whole tiles: integer ticks only, one per tile up to 10, so a point's label reads true.
  const int top = std::max(1, static_cast<int>(std::ceil(max_cost * 1.1)));
  int step = 1;
  while (top / step > 10) ++step;
  const int y2_max = ((top + step - 1) / step) * step;
  y2->setRange(0, y2_max);
  y2->setTickCount(y2_max / step + 1);
  y2->setLabelFormat("%d");
  c->addAxis(x, Qt::AlignBottom);
  c->addAxis(y, Qt::AlignLeft);
  c->addAxis(y2, Qt::AlignRight);
  bars->attachAxis(x);
  bars->attachAxis(y);
  cost->attachAxis(x);
  cost->attachAxis(y2);
  c->legend()->setAlignment(Qt::AlignTop);
  connect(importance, &QBarSet::clicked, this, &ImportanceChart::showChannels);
  c->setTitle(tr("Layer importance and macro cost \u2014 %1").arg(data.source));
  channels_->hide();
  showChart();
}

void ImportanceChart::showChannels(int layer) {
  if (layer < 0 || layer >= data_.layers.size() || data_.layers[layer].channels.isEmpty()) {
    channels_->hide();
    return;
  }
  const auto& l = data_.layers[layer];
  QChart* c = channels_->chart();
  c->removeAllSeries();
  clearAxes();
  auto* set = new QBarSet(tr("|\u03b3| per channel"));
  double max = 0;
  for (double g : l.channels) {
    *set << g;
    max = std::max(max, g);
  }
  auto* s = new QBarSeries;
  s->append(set);
  s->setBarWidth(1.0);
  c->addSeries(s);
  auto* x = new QValueAxis;
  x->setTitleText(tr("Output channel"));
  x->setRange(-0.5, l.channels.size() - 0.5);
  x->setLabelFormat("%d");
  auto* y = new QValueAxis;
  y->setTitleText(tr("|\u03b3| (a.u.)"));
  y->setRange(0, max * 1.1 + 1e-12);
  c->addAxis(x, Qt::AlignBottom);
  c->addAxis(y, Qt::AlignLeft);
  s->attachAxis(x);
  s->attachAxis(y);
  c->setTitle(tr("%1: %2 channels").arg(l.layer).arg(l.channels.size()));
  c->legend()->hide();
  channels_->show();
}

}  // namespace cimscope
