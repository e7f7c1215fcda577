#include "ui/widgets/jobs_panel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include "ui/widgets/job_row_widget.h"

namespace cimscope {

JobsPanel::JobsPanel(QWidget* parent) : QWidget(parent) {
  setObjectName("jobsPanel");
  auto* list = new QWidget;
  rows_ = new QVBoxLayout(list);
  rows_->setContentsMargins(2, 2, 2, 2);
  auto* none = new QLabel(tr("No jobs yet. Start one from the Run menu or the toolbar."));
  none->setObjectName("noJobs");
  none->setStyleSheet("QLabel { color: palette(mid); }");
  rows_->addWidget(none);
  rows_->addStretch(1);
  auto* scroll = new QScrollArea;
  scroll->setWidget(list);
  scroll->setWidgetResizable(true);
  scroll->setMinimumHeight(70);
  log_ = new QPlainTextEdit;
  log_->setObjectName("jobLog");
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(5000);
  log_->setPlaceholderText(tr("Job log"));
  QFont mono("monospace");
  mono.setStyleHint(QFont::TypeWriter);
  log_->setFont(mono);
  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(scroll);
  split->addWidget(log_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(split);
}

int JobsPanel::addJob(JobKind kind, const QString& detail) {
  if (auto* none = findChild<QLabel*>("noJobs")) none->hide();
  const int id = next_id_++;
  const QString title = detail.isEmpty() ? jobKindTitle(kind) : jobKindTitle(kind) + " " + detail;
  auto* row = new JobRowWidget(id, title);
  rows_->insertWidget(0, row);  // newest first
  connect(row, &JobRowWidget::cancelClicked, this, &JobsPanel::cancel);
  jobs_.insert(id, Job{kind, std::make_shared<std::atomic<bool>>(false), row});
  appendLog(id, tr("queued: %1").arg(title));
  Q_EMIT activeCountChanged(activeCount());
  return id;
}

QSize JobsPanel::sizeHint() const { return QSize(900, 130); }

CancelToken JobsPanel::token(int id) const { return jobs_.value(id).token; }
JobRowWidget* JobsPanel::row(int id) const { return jobs_.value(id).row; }

int JobsPanel::activeCount() const {
  int n = 0;
  for (const Job& j : jobs_) n += j.row->isActive() ? 1 : 0;
  return n;
}

QString JobsPanel::logText() const { return log_->toPlainText(); }

void JobsPanel::cancel(int id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end() || !it->row->isActive()) return;
  it->token->store(true);
  appendLog(id, tr("cancel requested"));
}

void JobsPanel::cancelAll() {
  for (auto it = jobs_.begin(); it != jobs_.end(); ++it) {
    if (it->row->isActive()) cancel(it.key());
  }
}

void JobsPanel::markStarted(int id) {
  if (JobRowWidget* r = row(id)) r->setRunning();
  appendLog(id, tr("started"));
}

void JobsPanel::showProgress(const JobProgress& p) {
  if (JobRowWidget* r = row(p.job_id)) r->setProgress(p.fraction, p.stage, p.message, p.eta_seconds);
}

void JobsPanel::appendLog(int id, const QString& line) {
  log_->appendPlainText(QStringLiteral("%1 #%2 %3")
                            .arg(QDateTime::currentDateTime().toString("HH:mm:ss"))
                            .arg(id)
                            .arg(line));
}

void JobsPanel::finish(const JobOutcome& o) {
  if (JobRowWidget* r = row(o.job_id)) {
    r->setDone(o.cancelled ? JobRowWidget::State::kCancelled : JobRowWidget::State::kCompleted,
               o.summary);
  }
  appendLog(o.job_id, o.summary);
  Q_EMIT activeCountChanged(activeCount());
}

void JobsPanel::fail(int id, const QString& message) {
  if (JobRowWidget* r = row(id)) r->setDone(JobRowWidget::State::kFailed, tr("failed: %1").arg(message));
  appendLog(id, tr("failed: %1").arg(message));
  Q_EMIT activeCountChanged(activeCount());
}

}  // namespace cimscope
