#pragma once

#include <QWidget>

class QLabel;
class QSlider;
class QSpinBox;

namespace cimscope {

// One integer macro parameter: a slider for dragging, a spin box for exact entry and a unit.
// In power-of-two mode the slider steps through 2^k between the slider bounds while the spin
// box still accepts any value in its range (the slider then sits at the nearest power below).
class SliderSpinRow : public QWidget {
  Q_OBJECT

 public:
  SliderSpinRow(const QString& object_name, const QString& unit, const QString& tooltip,
                QWidget* parent = nullptr);

  // Linear slider over [min, max]; the spin box covers the same range.
  void setLinearRange(int min, int max);
  // Slider over 2^min_exp .. 2^max_exp; the spin box over [spin_min, spin_max].
  void setPowerOfTwoRange(int min_exp, int max_exp, int spin_min, int spin_max);
  // Changes the upper bound of both (linear mode), clamping the value; emits if it changed.
  void setMaximum(int max);
  int maximum() const;

  int value() const;
  // Sets without emitting valueChanged.
  void setValueSilently(int value);

  QSlider* slider() const { return slider_; }
  QSpinBox* spinBox() const { return spin_; }

 Q_SIGNALS:
  void valueChanged(int value);

 private:
  void onSlider(int position);
  void onSpin(int value);
  int positionFor(int value) const;

  QSlider* slider_;
  QSpinBox* spin_;
  QLabel* unit_;
  bool pow2_ = false;
  bool syncing_ = false;
};

}  // namespace cimscope
