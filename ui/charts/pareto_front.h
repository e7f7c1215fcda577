#pragma once

#include <QPointF>
#include <QVector>

namespace cimscope {

// Indices of the points no other point beats: for x to minimise (latency, macros) and y to
// maximise (accuracy). Sorted by increasing x. Points with equal coordinates keep the first.
QVector<int> paretoFront(const QVector<QPointF>& points);

}  // namespace cimscope
