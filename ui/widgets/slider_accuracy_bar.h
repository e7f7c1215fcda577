#pragma once

#include <QWidget>

#include "ui/quick_evaluator.h"

class QCheckBox;
class QLabel;
class QPushButton;

namespace cimscope {

// The strip under the Accuracy-vs-ADC chart: the accuracy at the slider position and where it
// comes from (a stored result named by its file, or a quick evaluation labelled as not
// retrained), with the switch for automatic quick evaluations and an Evaluate now button.
class SliderAccuracyBar : public QWidget {
  Q_OBJECT

 public:
  explicit SliderAccuracyBar(QuickEvaluator* evaluator, QWidget* parent = nullptr);

  QString valueText() const;
  QString sourceText() const;

 private:
  void showAccuracy(const SliderAccuracy& a);

  QuickEvaluator* evaluator_;
  QLabel* value_;
  QLabel* source_;
  QCheckBox* auto_;
  QPushButton* now_;
};

}  // namespace cimscope
