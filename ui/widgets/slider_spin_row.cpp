#include "ui/widgets/slider_spin_row.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <cmath>

namespace cimscope {

SliderSpinRow::SliderSpinRow(const QString& object_name, const QString& unit,
                             const QString& tooltip, QWidget* parent)
    : QWidget(parent) {
  setObjectName(object_name);
  slider_ = new QSlider(Qt::Horizontal);
  slider_->setObjectName(object_name + "Slider");
  slider_->setMinimumWidth(90);
  spin_ = new QSpinBox;
  spin_->setObjectName(object_name + "Spin");
  spin_->setKeyboardTracking(false);
  spin_->setMinimumWidth(72);
  spin_->setAlignment(Qt::AlignRight);
  unit_ = new QLabel(unit);
  unit_->setMinimumWidth(60);
  for (QWidget* w : {static_cast<QWidget*>(slider_), static_cast<QWidget*>(spin_),
                     static_cast<QWidget*>(unit_)}) {
    w->setToolTip(tooltip);
  }
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(slider_, 1);
  layout->addWidget(spin_);
  layout->addWidget(unit_);
  connect(slider_, &QSlider::valueChanged, this, &SliderSpinRow::onSlider);
  connect(spin_, &QSpinBox::valueChanged, this, &SliderSpinRow::onSpin);
}

void SliderSpinRow::setLinearRange(int min, int max) {
  pow2_ = false;
  const QSignalBlocker a(slider_), b(spin_);
  slider_->setRange(min, max);
  slider_->setPageStep(std::max(1, (max - min) / 8));
  spin_->setRange(min, max);
  slider_->setValue(spin_->value());
}

void SliderSpinRow::setPowerOfTwoRange(int min_exp, int max_exp, int spin_min, int spin_max) {
  pow2_ = true;
  const QSignalBlocker a(slider_), b(spin_);
  slider_->setRange(min_exp, max_exp);
  slider_->setPageStep(1);
  slider_->setTickPosition(QSlider::TicksBelow);
  slider_->setTickInterval(1);
  spin_->setRange(spin_min, spin_max);
  slider_->setValue(positionFor(spin_->value()));
}

void SliderSpinRow::setMaximum(int max) {
  const int before = spin_->value();
  {
    const QSignalBlocker a(slider_), b(spin_);
    spin_->setMaximum(max);
    if (!pow2_) {
      slider_->setMaximum(max);
      slider_->setPageStep(std::max(1, (max - slider_->minimum()) / 8));
    }
    slider_->setValue(positionFor(spin_->value()));
  }
  if (spin_->value() != before) Q_EMIT valueChanged(spin_->value());
}

int SliderSpinRow::maximum() const { return spin_->maximum(); }

int SliderSpinRow::value() const { return spin_->value(); }

void SliderSpinRow::setValueSilently(int value) {
  const QSignalBlocker a(slider_), b(spin_);
  spin_->setValue(value);
  slider_->setValue(positionFor(spin_->value()));
}

int SliderSpinRow::positionFor(int value) const {
  if (!pow2_) return value;
  const int e = value > 0 ? static_cast<int>(std::floor(std::log2(value))) : 0;
  return std::clamp(e, slider_->minimum(), slider_->maximum());
}

void SliderSpinRow::onSlider(int position) {
  if (syncing_) return;
  const int v = pow2_ ? (1 << position) : position;
  syncing_ = true;
  {
    const QSignalBlocker b(spin_);
    spin_->setValue(v);
  }
  syncing_ = false;
  Q_EMIT valueChanged(spin_->value());
}

void SliderSpinRow::onSpin(int value) {
  if (syncing_) return;
  syncing_ = true;
  {
    const QSignalBlocker a(slider_);
    slider_->setValue(positionFor(value));
  }
  syncing_ = false;
  Q_EMIT valueChanged(value);
}

}  // namespace cimscope
