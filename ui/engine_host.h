#pragma once

#include <QObject>
#include <QThread>

namespace cimscope {

class EngineWorker;

// Owns the engine thread and the worker living on it. The destructor cancels the running job,
// quits the thread and waits for it, so closing the window never kills a job mid-write.
class EngineHost : public QObject {
  Q_OBJECT

 public:
  explicit EngineHost(const QString& thread_name = QStringLiteral("cimscope-engine"),
                      QObject* parent = nullptr);
  ~EngineHost() override;

  EngineWorker* worker() const { return worker_; }

 private:
  QThread thread_;
  EngineWorker* worker_;  // deleted on the engine thread when it finishes
};

}  // namespace cimscope
