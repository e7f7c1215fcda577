#include "ui/widgets/slider_accuracy_bar.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace cimscope {

SliderAccuracyBar::SliderAccuracyBar(QuickEvaluator* evaluator, QWidget* parent)
    : QWidget(parent), evaluator_(evaluator) {
  setObjectName("sliderAccuracyBar");
  auto* title = new QLabel(tr("At the slider position:"));
  value_ = new QLabel;
  value_->setObjectName("sliderAccuracyValue");
  QFont f = value_->font();
  f.setBold(true);
  f.setPointSizeF(f.pointSizeF() * 1.25);
  value_->setFont(f);
  value_->setMinimumWidth(value_->fontMetrics().horizontalAdvance(QStringLiteral("100.00 %  ")));
  source_ = new QLabel;
  source_->setObjectName("sliderAccuracySource");
  source_->setWordWrap(true);
  source_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  source_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  auto_ = new QCheckBox(tr("Auto quick evaluation"));
  auto_->setObjectName("sliderAccuracyAuto");
  auto_->setChecked(evaluator->autoEvaluate());
  auto_->setToolTip(tr("When no stored result matches the macro, evaluate the open checkpoint on "
                       "it (quantized, partial sums through the ADC, steps calibrated, not "
                       "retrained) on %1 seeded test images, %2 ms after the sliders rest")
                        .arg(QuickEvaluator::kTestImages)
                        .arg(QuickEvaluator::kDebounceMs));
  now_ = new QPushButton(tr("Evaluate now"));
  now_->setObjectName("sliderAccuracyNow");
  now_->setToolTip(tr("Quick evaluation of the open checkpoint on the current macro (not "
                      "retrained)"));
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(8, 4, 8, 4);
  layout->addWidget(title);
  layout->addWidget(value_);
  layout->addWidget(source_, 1);
  layout->addWidget(auto_);
  layout->addWidget(now_);
  connect(auto_, &QCheckBox::toggled, evaluator_, &QuickEvaluator::setAutoEvaluate);
  connect(now_, &QPushButton::clicked, evaluator_, &QuickEvaluator::evaluateNow);
  connect(evaluator_, &QuickEvaluator::changed, this, &SliderAccuracyBar::showAccuracy);
  showAccuracy(evaluator_->current());
}

QString SliderAccuracyBar::valueText() const { return value_->text(); }
QString SliderAccuracyBar::sourceText() const { return source_->text(); }

void SliderAccuracyBar::showAccuracy(const SliderAccuracy& a) {
  using K = SliderAccuracy::Kind;
  const bool has_value = (a.kind == K::kStored || a.kind == K::kEvaluated) && a.accuracy >= 0;
  value_->setText(has_value ? QStringLiteral("%1 %").arg(100 * a.accuracy, 0, 'f', 2)
                  : a.kind == K::kRunning || a.kind == K::kPending ? tr("\u2026")
                                                                   : tr("\u2014"));
  source_->setText(a.source);
  now_->setEnabled(a.kind != K::kRunning && a.kind != K::kStored);
}

}  // namespace cimscope
