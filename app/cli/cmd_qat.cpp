// `cimscope-cli qat`: Stage 2 LSQ quantization-aware training.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/macro_options.h"
#include "app/cli/progress_line.h"
#include "engine/adapt/qat.h"
#include "engine/cim/macro_spec_json.h"
#include "engine/common/errors.h"
#include "engine/store/checkpoint.h"

namespace cimscope::cli {

const char* const kQatUsage =
    "Usage: cimscope-cli qat --in FILE.h5 --out FILE.h5 [--dataset NAME] [--macro ...]\n"
    "         [overrides] [--adc-aware on|off] [--epochs N] [options]\n\n"
    "Stage 2: quantizes a float or Stage 1 checkpoint with LSQ (signed weights at weight_bits,\n"
    "unsigned activations at input_bits) and fine-tunes it. With --adc-aware on (default) every\n"
    "layer's partial sums per wordline group pass a learned ADC quantizer at adc_bits in the\n"
    "training forward; off trains weights and activations only (the ADC-unaware baseline of\n"
    "adc-sweep). Writes a checkpoint after every epoch; Ctrl-C stops at the next batch, and\n"
    "--resume with the same options continues after the last completed epoch.\n\n"
    "  --in FILE.h5         checkpoint to start from (train, morph or qat)\n"
    "  --out FILE.h5        quantized checkpoint (docs/hdf5-schema.md \"Stage 2\")\n"
    "  --adc-aware on|off   partial-sum quantization in training (default on)\n"
    "  --per-channel-weights  one weight step per output channel (default per layer)\n"
    "  --per-column-adc     one ADC step per column tile (default per layer)\n"
    "  --exclude-first-last keep the first and last layers in float\n"
    "  --no-channels-last   keep NCHW activations (default NHWC after the first conv)\n"
    "  --epochs N           default 5\n"
    "  --batch N            default 128\n"
    "  --lr X               default 0.01 (SGD, cosine, no warm-up)\n"
    "  --weight-decay X     default 1e-4\n"
    "  --calibration-batches N  training batches that initialise the steps (activation and\n"
    "                       ADC steps: the mean over them), default 1\n"
    "  --step-init lsq|mse  initial steps: LSQ's 2 mean|v| / sqrt(Qp) (default) or the step\n"
    "                       of least squared quantization error on the calibration batches\n"
    CIMSCOPE_DISTILL_OPTIONS_HELP
    "  --no-augment         no random crop / flip\n"
    "  --threads N          torch intra-op threads (0 = all cores)\n"
    "  --seed N             default 1\n"
    "  --resume             continue an interrupted qat of the same options into --out\n"
    "  --json               print the result as JSON on stdout\n"
    "Macro (default: the input's recorded macro if it is quantized, the macro Stage 1 adapted it\n"
    "to if it is a morph output, else reference-256):\n"
    CIMSCOPE_MACRO_OPTIONS_HELP
    "Data (default: the data set the checkpoint was trained on):\n"
    CIMSCOPE_DATA_OPTIONS_HELP;

namespace {

bool anyMacroOption(const CliArgs& args) {
  for (const auto& o : kMacroOptions) {
    if (args.has(o)) return true;
  }
  return false;
}

}  // namespace

int runQat(const std::vector<std::string>& argv) {
  std::set<std::string> values = {"in",     "out",          "adc-aware", "epochs",
                                  "batch",  "lr",           "weight-decay", "threads",
                                  "seed",   "calibration-batches", "step-init"};
  values.insert(kDistillOptions.begin(), kDistillOptions.end());
  values.insert(kDataOptions.begin(), kDataOptions.end());
  values.insert(kMacroOptions.begin(), kMacroOptions.end());
  CliArgs args(argv, values,
               {"json", "no-augment", "per-channel-weights", "per-column-adc",
                "exclude-first-last", "no-channels-last", "resume"});
  QatJob job;
  job.resume = args.has("resume");
  job.in_checkpoint = args.require("in");
  job.out_checkpoint = args.require("out");
  const std::string aware = args.getOr("adc-aware", "on");
  if (aware != "on" && aware != "off") {
    throw ConfigError("--adc-aware: '" + aware + "' is not on or off");
  }
  job.adc_aware = aware == "on";
  if (anyMacroOption(args)) {
    job.quant.macro = macroFrom(args);
  } else if (auto adapted = adaptedMacro(readCheckpointHeader(job.in_checkpoint).training_config_json,
                                          job.in_checkpoint)) {
    job.quant.macro = *adapted;
  }
  job.quant.per_channel_weights = args.has("per-channel-weights");
  job.quant.per_column_adc = args.has("per-column-adc");
  job.quant.exclude_first_last = args.has("exclude-first-last");
  job.quant.channels_last = !args.has("no-channels-last");
  job.train.epochs = static_cast<int>(args.getInt("epochs", 5, 0, 10000));
  job.train.batch_size = args.getInt("batch", 128, 1, 65536);
  job.train.lr = args.getDouble("lr", 0.01, 1e-8, 10);
  job.train.weight_decay = args.getDouble("weight-decay", 1e-4, 0, 1);
  job.train.augment = !args.has("no-augment");
  job.train.threads = static_cast<int>(args.getInt("threads", 0, 0, 1024));
  job.train.seed = static_cast<std::uint64_t>(args.getInt("seed", 1, 0, 1LL << 62));
  job.calibration_batches = static_cast<int>(args.getInt("calibration-batches", 1, 1, 100));
  job.step_init = args.getOr("step-init", "lsq");
  if (job.step_init != "lsq" && job.step_init != "mse") {
    throw ConfigError("--step-init: '" + job.step_init + "' is not lsq or mse");
  }
  const DistillConfig distill = distillConfigFrom(args);
  job.teacher_checkpoint = distill.teacher;
  job.distill_weight = distill.weight;
  job.distill_temperature = distill.temperature;
  DatasetConfig dc = datasetConfigFrom(args, checkpointDatasetName(job.in_checkpoint));
  job.dataset_name = dc.name;
  job.subset_train = dc.subset_train;
  job.subset_test = dc.subset_test;
  job.validate();
  Dataset data = loadDataset(dc);

  const MacroSpec& m = job.quant.macro;
  std::cerr << "qat " << job.in_checkpoint << " on " << data.name << " (" << data.train.size()
            << " train / " << data.test.size() << " test), " << m.weight_bits << "-bit weights, "
            << m.input_bits << "-bit inputs, "
            << (job.adc_aware ? std::to_string(m.adc_bits) + "-bit ADC in training"
                              : std::string("ADC-unaware"))
            << ", " << m.active_wordlines << " active wordlines, row split "
            << toString(m.row_split) << ", " << job.train.epochs << " epochs -> "
            << job.out_checkpoint << "\n";
  if (!job.teacher_checkpoint.empty()) {
    std::cerr << "distilling from " << job.teacher_checkpoint << " (weight "
              << job.distill_weight << ", temperature " << job.distill_temperature << ")\n";
  }
  CancelObserver cancel(installInterruptHandler());
  ProgressLine progress("qat");
  ObserverList observers({&progress, &cancel});
  QatResult r = cimscope::runQat(job, data, observers);
  progress.finish();
  if (r.resumed_epochs > 0) {
    std::cerr << "continued after epoch " << r.resumed_epochs << " of the interrupted run\n";
  }
  const bool cancelled = r.train.status == TrainResult::Status::kCancelled;
  if (args.has("json")) {
    nlohmann::json j = {{"status", cancelled ? "cancelled" : "completed"},
                        {"epochs_completed", r.train.epochs_completed},
                        {"adc_aware", job.adc_aware},
                        {"source_accuracy", r.source_accuracy},
                        {"calibrated_accuracy", r.calibrated_accuracy},
                        {"quantized_accuracy", r.quantized_eval.accuracy},
                        {"cim_accuracy", r.cim_eval.accuracy},
                        {"weights", r.weights},
                        {"stored_weight_bits", r.stored_weight_bits},
                        {"compression", r.compression},
                        {"images_per_second", r.train.images_per_second},
                        {"seconds", r.train.seconds},
                        {"macro", macroSpecToJson(m)},
                        {"checkpoint", job.out_checkpoint},
                        {"warnings", r.warnings}};
    j["step_init"] = job.step_init;
    if (!job.teacher_checkpoint.empty()) {
      j["distillation"] = {{"teacher", job.teacher_checkpoint},
                           {"teacher_accuracy", r.teacher_accuracy},
                           {"weight", job.distill_weight},
                           {"temperature", job.distill_temperature}};
    }
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("%s after %d epoch(s), %s\n", cancelled ? "cancelled" : "completed",
                r.train.epochs_completed, formatDuration(r.train.seconds).c_str());
    std::printf("  input checkpoint          %6.2f %%\n", 100 * r.source_accuracy);
    if (!job.teacher_checkpoint.empty()) {
      std::printf("  teacher                   %6.2f %%\n", 100 * r.teacher_accuracy);
    }
    std::printf("  after step calibration    %6.2f %%\n", 100 * r.calibrated_accuracy);
    std::printf("  quantized (W%d/A%d, no ADC) %6.2f %%\n", m.weight_bits, m.input_bits,
                100 * r.quantized_eval.accuracy);
    std::printf("  CIM (%d-bit ADC%-12s %6.2f %%\n", m.adc_bits,
                job.adc_aware ? ", trained)" : ", calibrated)", 100 * r.cim_eval.accuracy);
    std::printf("  weights %lld stored in %lld bits: %.1f %% smaller than float32\n",
                static_cast<long long>(r.weights), static_cast<long long>(r.stored_weight_bits),
                100 * r.compression);
    if (r.train.epochs_completed > 0) std::cout << "checkpoint: " << job.out_checkpoint << "\n";
    for (const auto& w : r.warnings) std::cout << "warning: " << w << "\n";
  }
  return cancelled ? 130 : 0;
}

}  // namespace cimscope::cli
