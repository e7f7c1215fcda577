#pragma once

#include <QGraphicsItem>
#include <QString>
#include <vector>

#include "engine/cim/macro_spec.h"
#include "engine/cim/mapping_report.h"

namespace cimscope {

// How the heatmap colours a tile.
enum class OccupancyColoring { kByLayer, kByFill };

// Every macro of a mapping drawn as its R x C array, in a grid, with the tiles it holds filled
// in. One item paints them all (a network on 16 x 16 macros has thousands of tiles; one
// QGraphicsRectItem each would make zooming sluggish) and answers hit tests for tooltips.
class OccupancyItem : public QGraphicsItem {
 public:
  OccupancyItem();

  void setMapping(const MappingReport& report, const MacroSpec& macro);
  void setColoring(OccupancyColoring coloring);
  void setDark(bool dark);

  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option,
             QWidget* widget) override;

  int macroCount() const { return static_cast<int>(report_.macros.size()); }
  // The macro under a point in item coordinates (-1: none) and the tile there (-1: empty cell).
  int macroAt(const QPointF& p) const;
  int tileAt(const QPointF& p) const;
  // Tooltip text for a point, "" outside every macro.
  QString toolTipAt(const QPointF& p) const;
  QRectF macroRect(int macro) const;

 private:
  QRectF tileRect(const TilePlacement& t) const;

  MappingReport report_;
  MacroSpec macro_;
  OccupancyColoring coloring_ = OccupancyColoring::kByLayer;
  bool dark_ = false;
  int grid_cols_ = 1;   // macros per grid row
  double scale_ = 1;    // scene units per cell
  double cell_w_ = 0;   // macro width + gap
  double cell_h_ = 0;   // macro height + gap + label
};

}  // namespace cimscope
