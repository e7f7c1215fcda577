#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>

#include "ui/ui_types.h"

namespace cimscope {

struct Dataset;

// Runs engine work on the engine thread (STYLE.md rule 11): a long-lived QThread owns this
// object; jobs start by queued signal, results return as signals carrying plain structs, and
// every slot catches std::exception and emits failed(). Cancellation is an atomic token set
// straight from the GUI thread.
class EngineWorker : public QObject {
  Q_OBJECT

 public:
  explicit EngineWorker(QObject* parent = nullptr);
  ~EngineWorker() override;

  // Called from any thread; the running job stops at its next check.
  void requestCancel() { cancel_.store(true); }

 public Q_SLOTS:
  void listDatasets();
  void loadSamples(const cimscope::SampleRequest& request);

 Q_SIGNALS:
  void datasetsListed(const std::vector<cimscope::DatasetInfo>& datasets);
  void samplesLoaded(const cimscope::SampleGrid& grid);
  void failed(const QString& what, const QString& message);
  void status(const QString& message);

 private:
  std::atomic<bool> cancel_{false};
  // The last data set loaded, so flipping splits or classes does not re-read the files.
  std::unique_ptr<Dataset> cached_;
};

}  // namespace cimscope
