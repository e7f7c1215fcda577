#include "ui/widgets/job_row_widget.h"

#include <QGridLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <algorithm>
#include <cmath>

#include "ui/app_palette.h"

namespace cimscope {

JobRowWidget::JobRowWidget(int job_id, const QString& title, QWidget* parent)
    : QWidget(parent), job_id_(job_id) {
  setObjectName(QStringLiteral("job_%1").arg(job_id));
  title_ = new QLabel(QStringLiteral("<b>#%1 %2</b>").arg(job_id).arg(title.toHtmlEscaped()));
  stage_ = new QLabel(tr("queued"));
  stage_->setObjectName("jobStage");
  stage_->setMinimumWidth(120);
  stage_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  eta_ = new QLabel;
  eta_->setObjectName("jobEta");
  eta_->setMinimumWidth(110);
  eta_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
  bar_ = new QProgressBar;
  bar_->setObjectName("jobProgress");
  bar_->setRange(0, 1000);
  bar_->setValue(0);
  bar_->setFormat("%p %");
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setObjectName("jobCancel");
  cancel_->setToolTip(tr("Stop this job at its next batch; completed epochs are kept"));
  auto* g = new QGridLayout(this);
  g->setContentsMargins(4, 2, 4, 2);
  g->addWidget(title_, 0, 0);
  g->addWidget(stage_, 0, 1, 1, 2);
  g->addWidget(bar_, 1, 0, 1, 2);
  g->addWidget(eta_, 1, 2);
  g->addWidget(cancel_, 0, 3, 2, 1);
  g->setColumnStretch(1, 1);
  connect(cancel_, &QPushButton::clicked, this, [this] {
    cancel_->setEnabled(false);
    cancel_->setText(tr("Cancelling"));
    Q_EMIT cancelClicked(job_id_);
  });
}

double JobRowWidget::fraction() const { return bar_->value() / 1000.0; }
QString JobRowWidget::stageText() const { return stage_->text(); }

void JobRowWidget::setRunning() {
  if (state_ == State::kQueued) state_ = State::kRunning;
  stage_->setText(tr("starting"));
}

void JobRowWidget::setProgress(double fraction, const QString& stage, const QString& message,
                               double eta_s) {
  if (!isActive()) return;
  state_ = State::kRunning;
  bar_->setValue(static_cast<int>(std::lround(1000 * std::clamp(fraction, 0.0, 1.0))));
  stage_->setText(message.isEmpty() ? stage : stage + "  \u2014  " + message);
  eta_->setText(eta_s >= 0 ? tr("ETA %1").arg(formatEta(eta_s)) : QString());
}

void JobRowWidget::setDone(State state, const QString& summary) {
  state_ = state;
  cancel_->hide();
  eta_->clear();
  if (state == State::kCompleted) bar_->setValue(1000);
  // Material 800 shades on a light palette, 300 shades on a dark one (readable on both).
  const bool dark = AppPalette::isDark(palette());
  const char* colour = state == State::kFailed      ? (dark ? "#e57373" : "#c62828")
                       : state == State::kCancelled ? (dark ? "#ffb74d" : "#ef6c00")
                                                    : (dark ? "#81c784" : "#2e7d32");
  stage_->setText(QStringLiteral("<span style='color:%1'>%2</span>")
                      .arg(colour, summary.toHtmlEscaped()));
}

QString JobRowWidget::formatEta(double s) {
  if (s < 60) return tr("%1 s").arg(static_cast<int>(std::ceil(s)));
  const int total = static_cast<int>(std::lround(s));
  if (total < 3600) return tr("%1 min %2 s").arg(total / 60).arg(total % 60);
  return tr("%1 h %2 min").arg(total / 3600).arg((total % 3600) / 60);
}

}  // namespace cimscope
