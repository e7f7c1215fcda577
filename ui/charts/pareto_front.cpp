#include "ui/charts/pareto_front.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace cimscope {

QVector<int> paretoFront(const QVector<QPointF>& points) {
  QVector<int> order(points.size());
  std::iota(order.begin(), order.end(), 0);
  // x ascending, y descending: a point is on the front when its y beats every earlier one.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (points[a].x() != points[b].x()) return points[a].x() < points[b].x();
    return points[a].y() > points[b].y();
  });
  QVector<int> front;
  double best = -std::numeric_limits<double>::infinity();
  for (int i : order) {
    if (points[i].y() > best) {
      front.push_back(i);
      best = points[i].y();
    }
  }
  return front;
}

}  // namespace cimscope
