#pragma once

#include <string>

#include "engine/adapt/train_observer.h"

namespace cimscope::cli {

// Prints training progress: on a terminal one line rewritten in place (percentage, loss,
// accuracy, images/s, ETA), otherwise one line per epoch so logs stay readable.
class ProgressLine : public TrainObserver {
 public:
  explicit ProgressLine(std::string label);
  ~ProgressLine() override;
  bool onBatch(const TrainProgress& p) override;
  bool onEpochEnd(const EpochReport& r) override;
  void finish();

 private:
  std::string label_;
  bool tty_;
  double last_print_ = -1;
  int epochs_ = 0;
  bool dirty_ = false;
};

// "4m12s", "1h03m", "12s"
std::string formatDuration(double seconds);

}  // namespace cimscope::cli
