#pragma once

#include "ui/charts/chart_frame.h"
#include "ui/ui_types.h"

class QChartView;

namespace cimscope {

// Layer importance (bars, left axis) with each layer's macro cost beside it (points, right
// axis); clicking a layer's bar shows its per-channel importance below when the data has it.
class ImportanceChart : public ChartFrame {
  Q_OBJECT

 public:
  explicit ImportanceChart(QWidget* parent = nullptr);

  static QString defaultEmptyText();
  int layerCount() const { return data_.layers.size(); }

 public Q_SLOTS:
  void setData(const cimscope::ImportanceData& data);
  void clear();
  void showChannels(int layer);

 private:
  ImportanceData data_;
  QChartView* channels_;
};

}  // namespace cimscope
