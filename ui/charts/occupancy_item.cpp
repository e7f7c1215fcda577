#include "ui/charts/occupancy_item.h"

#include <QLocale>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <algorithm>
#include <cmath>

#include "ui/charts/layer_palette.h"

namespace cimscope {

namespace {
constexpr double kMacroSize = 120;  // scene units of a macro's longer side
constexpr double kGap = 16;         // between macros
constexpr double kLabel = 22;       // label strip above each macro
}  // namespace

OccupancyItem::OccupancyItem() { setAcceptHoverEvents(false); }

void OccupancyItem::setMapping(const MappingReport& report, const MacroSpec& macro) {
  prepareGeometryChange();
  report_ = report;
  macro_ = macro;
  const int n = std::max(1, macroCount());
  scale_ = kMacroSize / std::max(1, std::max(macro.rows, macro.cols));
  const double w = macro.cols * scale_, h = macro.rows * scale_;
  cell_w_ = w + kGap;
  cell_h_ = h + kGap + kLabel;
  // A grid about as wide as a 16:10 view, in macro units.
  grid_cols_ = std::max(1, static_cast<int>(std::ceil(std::sqrt(n * 1.6 * cell_h_ / cell_w_))));
  grid_cols_ = std::min(grid_cols_, n);
  update();
}

void OccupancyItem::setColoring(OccupancyColoring coloring) {
  coloring_ = coloring;
  update();
}

void OccupancyItem::setDark(bool dark) {
  dark_ = dark;
  update();
}

QRectF OccupancyItem::boundingRect() const {
  const int n = std::max(1, macroCount());
  const int grid_rows = (n + grid_cols_ - 1) / grid_cols_;
  return QRectF(0, 0, grid_cols_ * cell_w_ - kGap, grid_rows * cell_h_ - kGap);
}

QRectF OccupancyItem::macroRect(int m) const {
  const int gx = m % grid_cols_, gy = m / grid_cols_;
  return QRectF(gx * cell_w_, gy * cell_h_ + kLabel, macro_.cols * scale_, macro_.rows * scale_);
}

QRectF OccupancyItem::tileRect(const TilePlacement& t) const {
  const QRectF m = macroRect(t.macro);
  return QRectF(m.left() + t.col0 * scale_, m.top() + t.row0 * scale_, t.cols * scale_,
                t.rows * scale_);
}

void OccupancyItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
  const QRectF exposed = option->exposedRect;
  const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
  const QColor frame = dark_ ? QColor(0x90, 0x90, 0x90) : QColor(0x55, 0x55, 0x55);
  const QColor text = dark_ ? QColor(0xdd, 0xdd, 0xdd) : QColor(0x22, 0x22, 0x22);
  QFont font = painter->font();
  font.setPixelSize(17);  // scene units: readable when the whole chip fits the view
  painter->setFont(font);
  for (const MacroOccupancy& m : report_.macros) {
    const QRectF r = macroRect(m.index);
    if (!r.adjusted(0, -kLabel, 0, 0).intersects(exposed)) continue;
    painter->setPen(Qt::NoPen);
    painter->setBrush(emptyCellColor(dark_));
    painter->drawRect(r);
    for (int i = m.first_tile; i < m.first_tile + m.tile_count; ++i) {
      const TilePlacement& t = report_.tiles[i];
      const QColor c = coloring_ == OccupancyColoring::kByLayer ? layerColor(t.layer)
                                                                : fillColor(m.utilization);
      painter->setBrush(c);
      const QRectF tr = tileRect(t);
      painter->drawRect(tr);
      if (lod * scale_ > 0.6 && m.tile_count > 1) {  // tile borders once they are visible
        painter->setPen(QPen(c.darker(160), 0));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(tr);
        painter->setPen(Qt::NoPen);
      }
    }
    painter->setPen(QPen(frame, 0));
    painter->setBrush(Qt::NoBrush);
    painter->drawRect(r);
    if (lod > 0.25) {
      painter->setPen(text);
      painter->drawText(QRectF(r.left(), r.top() - kLabel, r.width(), kLabel),
                        Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine,
                        QStringLiteral("M%1  %2 %").arg(m.index).arg(100 * m.utilization, 0, 'f', 0));
    }
  }
}

int OccupancyItem::macroAt(const QPointF& p) const {
  if (cell_w_ <= 0 || p.x() < 0 || p.y() < 0) return -1;
  const int gx = static_cast<int>(p.x() / cell_w_), gy = static_cast<int>(p.y() / cell_h_);
  if (gx >= grid_cols_) return -1;
  const int m = gy * grid_cols_ + gx;
  if (m >= macroCount()) return -1;
  return macroRect(m).contains(p) ? m : -1;
}

int OccupancyItem::tileAt(const QPointF& p) const {
  const int m = macroAt(p);
  if (m < 0) return -1;
  const MacroOccupancy& mo = report_.macros[m];
  for (int i = mo.first_tile; i < mo.first_tile + mo.tile_count; ++i) {
    if (tileRect(report_.tiles[i]).contains(p)) return i;
  }
  return -1;
}

QString OccupancyItem::toolTipAt(const QPointF& p) const {
  const int m = macroAt(p);
  if (m < 0) return {};
  const QLocale loc;
  const MacroOccupancy& mo = report_.macros[m];
  QString head = QObject::tr("<b>Macro %1</b>: %2 of %3 cells used (%4 %), %5 tile(s)")
                     .arg(m)
                     .arg(loc.toString(static_cast<qlonglong>(mo.used_cells)))
                     .arg(loc.toString(static_cast<qlonglong>(macro_.rows) * macro_.cols))
                     .arg(100 * mo.utilization, 0, 'f', 1)
                     .arg(mo.tile_count);
  const int t = tileAt(p);
  if (t < 0) return head + QObject::tr("<br>empty cell");
  const TilePlacement& tp = report_.tiles[t];
  const LayerMapping& l = report_.layers[tp.layer];
  return head +
         QObject::tr("<hr><b>%1</b> (%2, %3x%4, %5 -> %6 ch)<br>"
                     "tile row %7/%8, column %9/%10<br>"
                     "wordlines %11-%12 (%13 rows), bitlines %14-%15 (%16 columns)<br>"
                     "used cells %17; layer utilization %18 %")
             .arg(QString::fromStdString(l.name), QString::fromLatin1(toString(l.kind)))
             .arg(l.kh).arg(l.kw).arg(l.cin).arg(l.cout)
             .arg(tp.row_tile + 1).arg(l.row_tiles).arg(tp.col_tile + 1).arg(l.col_tiles)
             .arg(tp.row0).arg(tp.row0 + tp.rows - 1).arg(tp.rows)
             .arg(tp.col0).arg(tp.col0 + tp.cols - 1).arg(tp.cols)
             .arg(loc.toString(static_cast<qlonglong>(tp.cells())))
             .arg(100 * l.utilization, 0, 'f', 1);
}

}  // namespace cimscope
