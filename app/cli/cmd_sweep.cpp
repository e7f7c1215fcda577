#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/progress_line.h"
#include "engine/jobs/sweep_runner.h"

namespace cimscope::cli {

const char* const kSweepUsage =
    "Usage: cimscope-cli sweep --config FILE.json --out SWEEP.h5 [--resume] [--threads N] [--json]\n\n"
    "Runs the design-space sweep of a config (its \"sweep\" section): every point of the\n"
    "Cartesian product of the axes, mapped and costed on the macro the point describes.\n"
    "Points are appended to SWEEP.h5 and flushed as they finish, so a killed sweep keeps\n"
    "every finished point; --resume completes it without repeating one. A point that fails\n"
    "(e.g. active_wordlines > rows) records its error and the sweep goes on. Ctrl-C stops\n"
    "after the current points.\n\n"
    "  --config FILE.json   experiment config (docs/config.md; `cimscope-cli config --print-default`)\n"
    "  --out SWEEP.h5       sweep file (docs/hdf5-schema.md); must not exist unless --resume\n"
    "  --resume             complete the sweep in SWEEP.h5\n"
    "  --threads N          worker threads (overrides sweep.threads; 0 = all cores)\n"
    "  --json               print the summary as JSON on stdout\n";

namespace {

class SweepProgress : public SweepObserver {
 public:
  explicit SweepProgress(const std::atomic<bool>& cancel) : cancel_(cancel), tty_(isatty(2)) {}
  bool onPoint(const SweepPoint& p, std::int64_t done, std::int64_t total) override {
    if (!p.ok) ++failed_;
    const auto now = std::chrono::steady_clock::now();
    if (tty_ && (now - last_ > std::chrono::milliseconds(100) || done == total)) {
      last_ = now;
      std::fprintf(stderr, "\r\033[Ksweep [%3.0f%%] %lld/%lld points, %lld failed",
                   100.0 * done / std::max<std::int64_t>(1, total), static_cast<long long>(done),
                   static_cast<long long>(total), static_cast<long long>(failed_));
      std::fflush(stderr);
      dirty_ = true;
    }
    return !cancel_.load();
  }
  void finish() {
    if (dirty_) std::fprintf(stderr, "\n");
  }

 private:
  const std::atomic<bool>& cancel_;
  bool tty_;
  bool dirty_ = false;
  std::int64_t failed_ = 0;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int runSweep(const std::vector<std::string>& argv) {
  CliArgs args(argv, {"config", "out", "threads"}, {"resume", "json"});
  ExperimentConfig config = ExperimentConfig::readFile(args.require("config"));
  const std::string out = args.require("out");
  if (args.has("threads")) config.sweep.threads = static_cast<int>(args.getInt("threads", 0, 0, 1024));
  SweepProgress progress(installInterruptHandler());
  SweepResult r = cimscope::runSweep(config, out, args.has("resume"), progress);
  progress.finish();
  if (args.has("json")) {
    std::cout << nlohmann::json{{"path", r.path},           {"total", r.total},
                                {"resumed", r.resumed},     {"evaluated", r.evaluated},
                                {"failed", r.failed},       {"cancelled", r.cancelled},
                                {"seconds", r.seconds}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << (r.cancelled ? "cancelled: " : "done: ") << r.resumed + r.evaluated << " of "
              << r.total << " points in " << out << " (" << r.evaluated << " run now, "
              << r.resumed << " found finished, " << r.failed << " failed) in "
              << formatDuration(r.seconds) << "\n";
    if (r.cancelled) std::cout << "resume with: cimscope-cli sweep --config ... --out " << out << " --resume\n";
    if (r.failed) std::cout << "failed points keep their error; see `cimscope-cli export --in " << out << " --csv FILE`\n";
  }
  return r.cancelled ? 130 : 0;
}

}  // namespace cimscope::cli
