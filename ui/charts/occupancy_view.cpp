#include "ui/charts/occupancy_view.h"

#include <QApplication>
#include <QGraphicsScene>
#include <QHelpEvent>
#include <QPalette>
#include <QToolTip>
#include <QWheelEvent>
#include <cmath>

namespace cimscope {

namespace {
bool isDark(const QPalette& p) { return p.color(QPalette::Base).lightness() < 128; }
}  // namespace

OccupancyView::OccupancyView(QWidget* parent) : QGraphicsView(parent), item_(new OccupancyItem) {
  auto* scene = new QGraphicsScene(this);
  scene->addItem(item_);
  setScene(scene);
  setRenderHint(QPainter::Antialiasing, false);
  setDragMode(QGraphicsView::ScrollHandDrag);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  setBackgroundBrush(palette().color(QPalette::Base));
  item_->setDark(isDark(palette()));
  setMinimumSize(240, 180);
  setToolTip(tr("Wheel or +/- to zoom, drag to pan, hover a tile for details"));
}

void OccupancyView::setMapping(const MappingReport& report, const MacroSpec& macro) {
  item_->setMapping(report, macro);
  scene()->setSceneRect(item_->boundingRect().adjusted(-8, -8, 8, 8));
  if (fitted_) fitAll();
}

void OccupancyView::setColoring(OccupancyColoring coloring) { item_->setColoring(coloring); }

void OccupancyView::zoomIn() { zoomBy(1.25); }
void OccupancyView::zoomOut() { zoomBy(1 / 1.25); }

void OccupancyView::fitAll() {
  fitted_ = true;
  fitInView(scene()->sceneRect(), Qt::KeepAspectRatio);
}

void OccupancyView::zoomBy(double factor) {
  // Between the whole chip fitting in a corner and one cell filling a large part of the view.
  const double z = zoomFactor() * factor;
  if ((factor > 1 && z > 400) || (factor < 1 && z < 1e-3)) return;
  fitted_ = false;
  scale(factor, factor);
}

void OccupancyView::wheelEvent(QWheelEvent* event) {
  const double steps = event->angleDelta().y() / 120.0;
  if (steps != 0) zoomBy(std::pow(1.2, steps));
  event->accept();
}

bool OccupancyView::viewportEvent(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const QPointF p = item_->mapFromScene(mapToScene(help->pos()));
    const QString tip = item_->toolTipAt(p);
    if (tip.isEmpty()) {
      QToolTip::hideText();
    } else {
      QToolTip::showText(help->globalPos(), tip, viewport());
    }
    return true;
  }
  return QGraphicsView::viewportEvent(event);
}

void OccupancyView::resizeEvent(QResizeEvent* event) {
  QGraphicsView::resizeEvent(event);
  if (fitted_) fitAll();
}

void OccupancyView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) {
    setBackgroundBrush(palette().color(QPalette::Base));
    item_->setDark(isDark(palette()));
  }
  QGraphicsView::changeEvent(event);
}

}  // namespace cimscope
