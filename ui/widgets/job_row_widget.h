#pragma once

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;

namespace cimscope {

// One job in the jobs panel: title, stage, progress bar, ETA and its Cancel button.
class JobRowWidget : public QWidget {
  Q_OBJECT

 public:
  enum class State { kQueued, kRunning, kCompleted, kCancelled, kFailed };

  JobRowWidget(int job_id, const QString& title, QWidget* parent = nullptr);

  int jobId() const { return job_id_; }
  State state() const { return state_; }
  bool isActive() const { return state_ == State::kQueued || state_ == State::kRunning; }
  double fraction() const;
  QString stageText() const;

  void setRunning();
  void setProgress(double fraction, const QString& stage, const QString& message, double eta_s);
  void setDone(State state, const QString& summary);

  static QString formatEta(double seconds);

 Q_SIGNALS:
  void cancelClicked(int job_id);

 private:
  int job_id_;
  State state_ = State::kQueued;
  QLabel* title_;
  QLabel* stage_;
  QLabel* eta_;
  QProgressBar* bar_;
  QPushButton* cancel_;
};

}  // namespace cimscope
