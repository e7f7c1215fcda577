#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

namespace cimscope {

// Where a training run stands, after every batch.
struct TrainProgress {
  int epoch = 0;                 // 1-based
  int epochs = 0;
  std::int64_t batch = 0;        // 1-based within the epoch
  std::int64_t batches = 0;      // per epoch
  double loss = 0;               // running mean over the epoch so far
  double accuracy = 0;           // running training accuracy, 0..1
  double learning_rate = 0;
  double images_per_second = 0;  // over the epoch so far
  double eta_seconds = 0;        // for the whole run
  double fraction = 0;           // of the whole run, 0..1
};

// One finished epoch.
struct EpochReport {
  int epoch = 0;  // 1-based
  double train_loss = 0, train_accuracy = 0;
  double test_loss = 0, test_accuracy = 0;
  double learning_rate = 0;
  double regularizer = 0;  // mean of TrainHooks::regularizer per sample, 0 without one
  double seconds = 0;
  double images_per_second = 0;
};

// Hooks of a long loop (STYLE.md rule 8): return false to stop at that point. The loop then ends
// cleanly with status "cancelled"; the last completed epoch is kept.
class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual bool onBatch(const TrainProgress&) { return true; }
  virtual bool onEpochEnd(const EpochReport&) { return true; }
};

// Stops a loop when the token is set (from any thread, e.g. the GUI's Cancel button or SIGINT).
class CancelObserver : public TrainObserver {
 public:
  explicit CancelObserver(const std::atomic<bool>& token) : token_(token) {}
  bool onBatch(const TrainProgress&) override { return !token_.load(); }
  bool onEpochEnd(const EpochReport&) override { return !token_.load(); }

 private:
  const std::atomic<bool>& token_;
};

// Fans one loop's hooks out to several observers; stops when any of them says stop.
class ObserverList : public TrainObserver {
 public:
  explicit ObserverList(std::vector<TrainObserver*> observers) : list_(std::move(observers)) {}
  bool onBatch(const TrainProgress& p) override {
    bool go = true;
    for (auto* o : list_) go = o->onBatch(p) && go;
    return go;
  }
  bool onEpochEnd(const EpochReport& r) override {
    bool go = true;
    for (auto* o : list_) go = o->onEpochEnd(r) && go;
    return go;
  }

 private:
  std::vector<TrainObserver*> list_;
};

}  // namespace cimscope
