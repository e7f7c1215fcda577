// `cimscope-cli adc-sweep`: accuracy versus ADC bits, ADC-unaware versus ADC-aware.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/macro_options.h"
#include "app/cli/progress_line.h"
#include "engine/adapt/adc_sweep.h"
#include "engine/adapt/qat.h"
#include "engine/adapt/trainer.h"

namespace cimscope::cli {

const char* const kAdcSweepUsage =
    "Usage: cimscope-cli adc-sweep --in FILE.h5 --out FILE.h5 [--dataset NAME]\n"
    "         [--adc-bits 3,4,5,6,7,8] [--retrain-epochs N] [--macro ...] [--json]\n\n"
    "For each ADC bit count: (a) the ADC-unaware model (qat --adc-aware off) evaluated with\n"
    "partial-sum quantization, ADC steps calibrated on training batches, no retraining; (b) the\n"
    "same model retrained ADC-aware at that bit count. Also prints the float and the\n"
    "weights/activations-only accuracy. Results are rewritten to --out after every point; a\n"
    "rerun with the same setup skips finished points (docs/hdf5-schema.md \"ADC sweep\").\n\n"
    "  --in FILE.h5         ADC-unaware qat checkpoint (a float one is quantized post-training)\n"
    "  --out FILE.h5        results file\n"
    "  --adc-bits LIST      default 3,4,5,6,7,8\n"
    "  --retrain-epochs N   ADC-aware retraining per point, default 1 (0: curve (a) only)\n"
    "  --batch N            default 128\n"
    "  --lr X               retraining learning rate, default 0.01\n"
    "  --no-resume          recompute every point\n"
    "  --threads N          torch intra-op threads (0 = all cores)\n"
    "  --seed N             default 1\n"
    "  --json               print the result as JSON on stdout\n"
    "Macro (default: the checkpoint's; --adc-bits is the sweep list, not an override):\n"
    CIMSCOPE_MACRO_OPTIONS_HELP
    "Data (default: the data set the checkpoint was trained on):\n"
    CIMSCOPE_DATA_OPTIONS_HELP;

namespace {

// Prints retraining progress and one line per finished point.
class SweepProgress : public AdcSweepObserver {
 public:
  explicit SweepProgress(const std::atomic<bool>& cancel) : cancel_(cancel), line_("retrain") {}
  bool onBatch(const TrainProgress& p) override { return line_.onBatch(p) && !cancel_.load(); }
  bool onEpochEnd(const EpochReport& r) override {
    return line_.onEpochEnd(r) && !cancel_.load();
  }
  bool onPoint(const AdcSweepPoint& p) override {
    line_.finish();
    if (p.aware_accuracy >= 0) {
      std::fprintf(stderr, "adc %2d bits: unaware %6.2f %%  aware %6.2f %%%s\n", p.adc_bits,
                   100 * p.unaware_accuracy, 100 * p.aware_accuracy, p.resumed ? "  (resumed)" : "");
    } else {
      std::fprintf(stderr, "adc %2d bits: unaware %6.2f %%%s\n", p.adc_bits,
                   100 * p.unaware_accuracy, p.resumed ? "  (resumed)" : "");
    }
    return !cancel_.load();
  }

 private:
  const std::atomic<bool>& cancel_;
  ProgressLine line_;
};

}  // namespace

int runAdcSweep(const std::vector<std::string>& argv) {
  std::set<std::string> values = {"in", "out", "retrain-epochs", "batch", "lr", "threads", "seed"};
  values.insert(kDataOptions.begin(), kDataOptions.end());
  values.insert(kMacroOptions.begin(), kMacroOptions.end());
  CliArgs args(argv, values, {"json", "no-resume", "no-augment"});
  AdcSweepJob job;
  job.in_checkpoint = args.require("in");
  job.out_path = args.require("out");
  if (auto b = args.get("adc-bits")) job.adc_bits = parseIntList("adc-bits", *b);
  // The macro options without --adc-bits (here the sweep list).
  std::vector<std::string> macro_argv;
  bool macro_given = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string name = argv[i].rfind("--", 0) == 0 ? argv[i].substr(2) : "";
    if (!name.empty() && name != "adc-bits" && kMacroOptions.count(name) && i + 1 < argv.size()) {
      macro_argv.push_back(argv[i]);
      macro_argv.push_back(argv[i + 1]);
      macro_given = true;
    }
  }
  if (macro_given) {
    std::set<std::string> macro_values = kMacroOptions;
    CliArgs margs(macro_argv, macro_values, {});
    MacroSpec m = macroFrom(margs);
    job.macro = m;
  }
  job.retrain_epochs = static_cast<int>(args.getInt("retrain-epochs", 1, 0, 1000));
  job.retrain = QatJob::defaultTrainConfig();
  job.retrain.batch_size = args.getInt("batch", 128, 1, 65536);
  job.retrain.lr = args.getDouble("lr", 0.01, 1e-8, 10);
  job.retrain.augment = !args.has("no-augment");
  job.retrain.threads = static_cast<int>(args.getInt("threads", 0, 0, 1024));
  job.retrain.seed = static_cast<std::uint64_t>(args.getInt("seed", 1, 0, 1LL << 62));
  job.resume = !args.has("no-resume");
  DatasetConfig dc = datasetConfigFrom(args, checkpointDatasetName(job.in_checkpoint));
  job.dataset_name = dc.name;
  job.subset_train = dc.subset_train;
  job.subset_test = dc.subset_test;
  job.validate();
  Dataset data = loadDataset(dc);
  SweepProgress progress(installInterruptHandler());
  AdcSweepResult r = cimscope::runAdcSweep(job, data, progress);
  const bool cancelled = r.status == AdcSweepResult::Status::kCancelled;
  if (args.has("json")) {
    nlohmann::json pts = nlohmann::json::array();
    for (const auto& p : r.points) {
      pts.push_back({{"adc_bits", p.adc_bits},
                     {"unaware_accuracy", p.unaware_accuracy},
                     {"aware_accuracy", p.aware_accuracy},
                     {"seconds", p.seconds},
                     {"resumed", p.resumed}});
    }
    std::cout << nlohmann::json{{"status", cancelled ? "cancelled" : "completed"},
                                {"float_accuracy", r.float_accuracy},
                                {"quantized_accuracy", r.quantized_accuracy},
                                {"points", pts},
                                {"out", job.out_path},
                                {"warnings", r.warnings}}
                     .dump(2)
              << "\n";
  } else {
    if (r.float_accuracy >= 0) std::printf("float                     %6.2f %%\n", 100 * r.float_accuracy);
    std::printf("quantized (no ADC)        %6.2f %%\n\n", 100 * r.quantized_accuracy);
    std::printf("adc_bits  unaware   aware\n");
    for (const auto& p : r.points) {
      if (p.aware_accuracy >= 0) {
        std::printf("%8d  %6.2f %%  %6.2f %%\n", p.adc_bits, 100 * p.unaware_accuracy,
                    100 * p.aware_accuracy);
      } else {
        std::printf("%8d  %6.2f %%       -\n", p.adc_bits, 100 * p.unaware_accuracy);
      }
    }
    std::cout << (cancelled ? "cancelled; " : "") << "results: " << job.out_path << "\n";
    for (const auto& w : r.warnings) std::cout << "warning: " << w << "\n";
  }
  return cancelled ? 130 : 0;
}

}  // namespace cimscope::cli
