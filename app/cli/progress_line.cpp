#include "app/cli/progress_line.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace cimscope::cli {

namespace {
double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

std::string formatDuration(double s) {
  if (!(s >= 0)) return "?";
  const long t = static_cast<long>(s + 0.5);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
  else if (t >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%lds", t);
  return buf;
}

ProgressLine::ProgressLine(std::string label) : label_(std::move(label)), tty_(isatty(2)) {}

ProgressLine::~ProgressLine() { finish(); }

bool ProgressLine::onBatch(const TrainProgress& p) {
  epochs_ = p.epochs;
  if (!tty_) return true;
  const double now = nowSeconds();
  if (now - last_print_ < 0.1 && p.batch != p.batches) return true;  // about 10 Hz
  last_print_ = now;
  std::fprintf(stderr,
               "\r\033[K%s [%3.0f%%] epoch %d/%d batch %lld/%lld  loss %.4f  acc %5.1f%%  "
               "%.0f img/s  ETA %s",
               label_.c_str(), 100 * p.fraction, p.epoch, p.epochs,
               static_cast<long long>(p.batch), static_cast<long long>(p.batches), p.loss,
               100 * p.accuracy, p.images_per_second, formatDuration(p.eta_seconds).c_str());
  std::fflush(stderr);
  dirty_ = true;
  return true;
}

bool ProgressLine::onEpochEnd(const EpochReport& r) {
  if (tty_ && dirty_) std::fprintf(stderr, "\r\033[K");
  dirty_ = false;
  std::fprintf(stderr,
               "%s epoch %d/%d  train loss %.4f acc %5.2f%%  test loss %.4f acc %5.2f%%  "
               "lr %.4g  %.0f img/s  %s\n",
               label_.c_str(), r.epoch, epochs_, r.train_loss, 100 * r.train_accuracy, r.test_loss,
               100 * r.test_accuracy, r.learning_rate, r.images_per_second,
               formatDuration(r.seconds).c_str());
  std::fflush(stderr);
  return true;
}

void ProgressLine::finish() {
  if (tty_ && dirty_) {
    std::fprintf(stderr, "\n");
    dirty_ = false;
  }
}

}  // namespace cimscope::cli
