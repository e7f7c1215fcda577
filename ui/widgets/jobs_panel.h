#pragma once

#include <QMap>
#include <QWidget>

#include "ui/ui_types.h"

class QPlainTextEdit;
class QVBoxLayout;

namespace cimscope {

class JobRowWidget;

// The jobs dock: one row per job (progress bar, stage, ETA, Cancel) above a shared log. It
// creates each job's cancellation token; Cancel sets it straight from the GUI thread (STYLE.md
// rule 9), so the engine stops at its next batch even while its thread is busy.
class JobsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit JobsPanel(QWidget* parent = nullptr);

  // Registers a job and returns its id; token(id) is what the engine request carries.
  int addJob(JobKind kind, const QString& detail = {});
  CancelToken token(int job_id) const;
  JobRowWidget* row(int job_id) const;
  int activeCount() const;
  QString logText() const;
  // A strip: two job rows and a few log lines.
  QSize sizeHint() const override;

 public Q_SLOTS:
  void cancel(int job_id);
  void cancelAll();
  void markStarted(int job_id);
  void showProgress(const cimscope::JobProgress& progress);
  void appendLog(int job_id, const QString& line);
  void finish(const cimscope::JobOutcome& outcome);
  void fail(int job_id, const QString& message);

 Q_SIGNALS:
  void activeCountChanged(int active);

 private:
  struct Job {
    JobKind kind;
    CancelToken token;
    JobRowWidget* row;
  };
  int next_id_ = 1;
  QMap<int, Job> jobs_;
  QVBoxLayout* rows_;
  QPlainTextEdit* log_;
};

}  // namespace cimscope
