#pragma once

#include <QColor>

namespace cimscope {

// Colours shared by every view that shows layers, so a layer has one colour in the heatmap, its
// legend and the importance chart.
QColor layerColor(int layer);      // qualitative, 20 colours cycled
QColor fillColor(double fraction);  // sequential (viridis-like) for 0..1 fill
QColor emptyCellColor(bool dark);  // an unused macro cell

}  // namespace cimscope
