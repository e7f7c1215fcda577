#pragma once

#include <QGraphicsView>

#include "ui/charts/occupancy_item.h"

namespace cimscope {

// The macro occupancy heatmap: a zoomable (wheel, +/-), pannable (drag) view of OccupancyItem
// with tooltips naming the layer, rows, columns, used cells and utilization under the cursor.
class OccupancyView : public QGraphicsView {
  Q_OBJECT

 public:
  explicit OccupancyView(QWidget* parent = nullptr);

  void setMapping(const MappingReport& report, const MacroSpec& macro);
  void setColoring(OccupancyColoring coloring);
  int macroCount() const { return item_->macroCount(); }
  OccupancyItem* item() const { return item_; }
  double zoomFactor() const { return transform().m11(); }

 public Q_SLOTS:
  void zoomIn();
  void zoomOut();
  void fitAll();

 protected:
  void wheelEvent(QWheelEvent* event) override;
  bool viewportEvent(QEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  void zoomBy(double factor);

  OccupancyItem* item_;
  bool fitted_ = true;  // follow the window size until the user zooms
};

}  // namespace cimscope
