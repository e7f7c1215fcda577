#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/progress_line.h"
#include "engine/jobs/pipeline.h"

namespace cimscope::cli {

const char* const kRunUsage =
    "Usage: cimscope-cli run --config FILE.json --out RUN.h5 [--resume] [--json]\n\n"
    "Runs the whole pipeline of an experiment config, in order: baseline training (or the\n"
    "config's baseline.checkpoint), Stage 1 (CIM-aware morphing), Stage 2 (ADC-aware QAT, and\n"
    "ADC-unaware QAT for the comparison) and the accuracy-vs-ADC-bits sweep. Each stage is\n"
    "recorded in RUN.h5 as soon as it finishes; the stages' own checkpoints go to\n"
    "RUN.h5.stages/ (usable with eval, morph, qat, simulate). Ctrl-C stops at the next batch and\n"
    "keeps every finished stage; --resume continues from there (an interrupted baseline, Stage 1\n"
    "or Stage 2 training goes on after its last completed epoch).\n\n"
    "  --config FILE.json   experiment config (docs/config.md); resources/configs/quick.json\n"
    "                       runs in minutes on a laptop, full.json gives publishable numbers\n"
    "  --out RUN.h5         run file (docs/hdf5-schema.md, \"Run files\")\n"
    "  --resume             continue the run in RUN.h5\n"
    "  --json               print the stage summaries as JSON on stdout\n";

namespace {

class RunPrinter : public PipelineObserver {
 public:
  RunPrinter() : tty_(isatty(2)) {}
  void onProgress(const PipelineProgress& p) override {
    if (!tty_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    std::fprintf(stderr, "\r\033[K[%3.0f%%] stage %d/%d %s [%3.0f%%] %s  ETA %s", 100 * p.fraction,
                 p.stage_index + 1, p.stage_count, p.stage.c_str(), 100 * p.stage_fraction,
                 p.message.c_str(), formatDuration(p.eta_seconds).c_str());
    std::fflush(stderr);
    dirty_ = true;
  }
  void onLog(const std::string& line) override {
    clear();
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  void onStage(const StageSummary& s) override {
    clear();
    std::fprintf(stderr, "%s done: accuracy %.2f%%, %lld macros, utilization %.1f%%, %s\n",
                 s.name.c_str(), 100 * s.accuracy, static_cast<long long>(s.macros),
                 100 * s.utilization, formatDuration(s.seconds).c_str());
  }
  void clear() {
    if (dirty_) std::fprintf(stderr, "\r\033[K");
    dirty_ = false;
  }

 private:
  bool tty_;
  bool dirty_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int runRun(const std::vector<std::string>& argv) {
  CliArgs args(argv, {"config", "out"}, {"resume", "json"});
  const ExperimentConfig config = ExperimentConfig::readFile(args.require("config"));
  const std::string out = args.require("out");
  RunPrinter printer;
  PipelineResult r = runPipeline(config, out, args.has("resume"), printer, installInterruptHandler());
  printer.clear();
  const bool cancelled = r.status == PipelineResult::Status::kCancelled;
  if (args.has("json")) {
    nlohmann::json stages = nlohmann::json::array();
    for (const auto& s : r.stages) {
      stages.push_back({{"stage", s.name},
                        {"file", s.file},
                        {"accuracy", std::isnan(s.accuracy) ? nlohmann::json(nullptr) : nlohmann::json(s.accuracy)},
                        {"params", s.params},
                        {"weights", s.weights},
                        {"stored_bits", s.stored_bits},
                        {"compression", s.compression},
                        {"macros", s.macros},
                        {"utilization", s.utilization},
                        {"weight_load_cycles_per_inference", s.weight_load_cycles_per_inference},
                        {"latency_cycles", s.latency_cycles},
                        {"energy_pj", s.energy_pj},
                        {"seconds", s.seconds}});
    }
    nlohmann::json adc = nlohmann::json::array();
    for (const auto& p : r.adc_sweep.points) {
      adc.push_back({{"adc_bits", p.adc_bits},
                     {"unaware_accuracy", p.unaware_accuracy},
                     {"aware_accuracy", p.aware_accuracy < 0 ? nlohmann::json(nullptr) : nlohmann::json(p.aware_accuracy)}});
    }
    std::cout << nlohmann::json{{"status", cancelled ? "cancelled" : "completed"},
                                {"run_file", r.run_file},
                                {"stages_dir", r.stages_dir},
                                {"stages", stages},
                                {"resumed", r.resumed},
                                {"adc_sweep", adc},
                                {"warnings", r.warnings},
                                {"seconds", r.seconds}}
                     .dump(2)
              << "\n";
    return cancelled ? 130 : 0;
  }
  std::cout << (cancelled ? "cancelled" : "completed") << ": " << r.stages.size()
            << " stage(s) in " << r.run_file << " (" << formatDuration(r.seconds) << ")\n\n";
  std::cout << std::left << std::setw(16) << "stage" << std::right << std::setw(9) << "acc_%"
            << std::setw(10) << "params" << std::setw(12) << "stored_bits" << std::setw(9)
            << "compr_%" << std::setw(8) << "macros" << std::setw(8) << "util_%" << std::setw(11)
            << "load/inf" << std::setw(10) << "latency" << std::setw(11) << "energy_nJ" << "\n";
  for (const auto& s : r.stages) {
    if (s.name == "adc_sweep") continue;  // not a network: its curve is printed below
    std::cout << std::left << std::setw(16) << s.name << std::right << std::fixed
              << std::setprecision(2) << std::setw(9) << 100 * s.accuracy << std::setw(10)
              << s.params << std::setw(12) << s.stored_bits << std::setprecision(1) << std::setw(9)
              << 100 * s.compression << std::setw(8) << s.macros << std::setw(8)
              << 100 * s.utilization << std::setw(11) << s.weight_load_cycles_per_inference
              << std::setw(10) << s.latency_cycles << std::setw(11) << s.energy_pj / 1000 << "\n";
  }
  if (!r.adc_sweep.points.empty()) {
    std::cout << "\nADC bits   ADC-unaware_%   ADC-aware_%\n";
    for (const auto& p : r.adc_sweep.points) {
      std::cout << std::setw(8) << p.adc_bits << std::setw(16) << std::setprecision(2)
                << 100 * p.unaware_accuracy << std::setw(14)
                << (p.aware_accuracy < 0 ? std::string("-") : std::to_string(100 * p.aware_accuracy).substr(0, 5))
                << "\n";
    }
  }
  for (const auto& w : r.warnings) std::cout << "warning: " << w << "\n";
  if (cancelled) std::cout << "resume with: cimscope-cli run --config ... --out " << out << " --resume\n";
  return cancelled ? 130 : 0;
}

}  // namespace cimscope::cli
