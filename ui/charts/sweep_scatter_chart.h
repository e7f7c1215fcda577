#pragma once

#include "ui/charts/chart_frame.h"
#include "ui/ui_types.h"

class QScatterSeries;

namespace cimscope {

// What the sweep scatter puts on its x axis (y is always accuracy).
enum class SweepAxis { kLatency, kMacros, kEnergy };

// Accuracy against latency, macros or energy for every point of a sweep, the Pareto front
// (lower x, higher accuracy) drawn as a line and highlighted, the selected point ringed.
class SweepScatterChart : public ChartFrame {
  Q_OBJECT

 public:
  explicit SweepScatterChart(QWidget* parent = nullptr);

  static QString defaultEmptyText();
  QVector<int> front() const { return front_; }

 public Q_SLOTS:
  void setData(const cimscope::SweepData& data);
  void setAxis(cimscope::SweepAxis axis);
  void setSelected(int point);

 Q_SIGNALS:
  void pointClicked(int point);

 private:
  void rebuild();
  double xOf(const SweepPointRow& p) const;

  SweepData data_;
  SweepAxis axis_ = SweepAxis::kLatency;
  QVector<int> front_;
  QVector<int> plotted_;  // sweep index of each plotted point (evaluated ones only)
  QScatterSeries* selected_ = nullptr;
  int selected_index_ = -1;
};

}  // namespace cimscope
