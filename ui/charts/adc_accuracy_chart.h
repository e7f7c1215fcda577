#pragma once

#include "ui/charts/chart_frame.h"
#include "ui/ui_types.h"

class QLineSeries;
class QScatterSeries;

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
  // A quick evaluation's accuracy (0..1) at `bits`, drawn as its own point labelled as not
  // retrained; accuracy < 0 removes it.
  void setQuickPoint(int bits, double accuracy);
  void clear();

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void updateMarker();
  void updateQuickPoint();

  AdcSweepData data_;
  int adc_bits_ = 5;
  double x_min_ = 1, x_max_ = 12;
  QLineSeries* marker_ = nullptr;
  QScatterSeries* quick_ = nullptr;
  int quick_bits_ = 0;
  double quick_accuracy_ = -1;
};

}  // namespace cimscope
