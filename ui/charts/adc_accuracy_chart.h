#pragma once

#include "ui/charts/chart_frame.h"
#include "ui/ui_types.h"

class QLineSeries;

namespace cimscope {

// Accuracy against ADC resolution: the float baseline, W/A-quantized, ADC-unaware and ADC-aware
// curves of a stored sweep, and a vertical marker at the ADC bits the macro slider is set to.
class AdcAccuracyChart : public ChartFrame {
  Q_OBJECT

 public:
  explicit AdcAccuracyChart(QWidget* parent = nullptr);

  static QString defaultEmptyText();
  int curveCount() const { return data_.curves.size(); }
  int currentAdcBits() const { return adc_bits_; }

 public Q_SLOTS:
  void setData(const cimscope::AdcSweepData& data);
  void setCurrentAdcBits(int bits);
  void clear();

 private:
  void updateMarker();

  AdcSweepData data_;
  int adc_bits_ = 5;
  double x_min_ = 1, x_max_ = 12;
  QLineSeries* marker_ = nullptr;
};

}  // namespace cimscope
