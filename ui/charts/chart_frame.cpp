#include "ui/charts/chart_frame.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QLabel>

namespace cimscope {

ChartFrame::ChartFrame(const QString& empty_text, QWidget* parent)
    : QStackedWidget(parent), default_empty_(empty_text) {
  empty_ = new QLabel(empty_text);
  empty_->setObjectName("emptyState");
  empty_->setAlignment(Qt::AlignCenter);
  empty_->setWordWrap(true);
  empty_->setMargin(40);
  QFont f = empty_->font();
  f.setPointSizeF(f.pointSizeF() * 1.2);
  empty_->setFont(f);
  empty_->setStyleSheet("QLabel { color: palette(mid); }");
  view_ = new QChartView(new QChart);
  view_->setRenderHint(QPainter::Antialiasing);
  view_->chart()->setMargins(QMargins(8, 8, 8, 8));
  content_ = view_;
  addWidget(empty_);
  addWidget(view_);
  applyTheme();
  setCurrentIndex(0);
}

QChart* ChartFrame::chart() const { return view_->chart(); }
QString ChartFrame::emptyText() const { return empty_->text(); }
QWidget* ChartFrame::exportWidget() const { return isEmptyState() ? empty_ : content_; }

void ChartFrame::showEmpty(const QString& text) {
  empty_->setText(text.isEmpty() ? default_empty_ : text);
  setCurrentIndex(0);
}

void ChartFrame::showChart() { setCurrentWidget(content_); }

void ChartFrame::setContent(QWidget* content) {
  removeWidget(view_);
  content_ = content;
  addWidget(content_);
}

void ChartFrame::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) applyTheme();
  QStackedWidget::changeEvent(event);
}

void ChartFrame::applyTheme() {
  const bool dark = palette().color(QPalette::Window).lightness() < 128;
  chart()->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
  chart()->setBackgroundRoundness(0);
}

void ChartFrame::clearAxes() {
  QChart* c = chart();
  for (QAbstractAxis* a : c->axes()) {
    c->removeAxis(a);
    delete a;
  }
}

}  // namespace cimscope
