// `cimscope-cli morph`: Stage 1, CIM-aware morphing of a float checkpoint.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/macro_options.h"
#include "app/cli/progress_line.h"
#include "engine/adapt/morph.h"
#include "engine/adapt/trainer.h"
#include "engine/common/errors.h"

namespace cimscope::cli {

const char* const kMorphUsage =
    "Usage: cimscope-cli morph --in BASELINE.h5 --out FILE.h5 [--dataset NAME] [options]\n\n"
    "Stage 1 (docs/stage1.md): shrink (train with cross-entropy + lambda x the resource-weighted\n"
    "L1 on batch-norm |gamma|), prune channels under a |gamma| threshold, choose every width\n"
    "group's width for a macro budget by an exact search over tile boundaries and widen, then\n"
    "fine-tune. Prints each step's widths, parameters, macros, utilization, weight-loading\n"
    "cycles, latency, energy and test accuracy; writes the adapted network (stage \"stage1\")\n"
    "with a /morph group (docs/hdf5-schema.md). Ctrl-C stops at the next batch; the shrink and\n"
    "fine-tune steps keep their last epoch in FILE.h5.shrink.h5 / FILE.h5.finetune.h5, and\n"
    "--resume with the same options continues from there.\n\n"
    "  --in FILE.h5         baseline checkpoint (cimscope-cli train --out)\n"
    "  --out FILE.h5        adapted checkpoint to write\n"
    "  --budget B           macros for the expand step: N, pruned (default: the macros the\n"
    "                       pruned network uses), baseline, or chip (macros-on-chip)\n"
    "  --lambda X           weight of the resource-weighted L1, default 5e-4\n"
    "  --shrink-epochs N    default 3 (0 = prune the baseline as it is)\n"
    "  --finetune-epochs N  default 3\n"
    "  --threshold X        prune channels with |gamma| below X, default 0.01\n"
    "  --keep-params F      instead: the smallest threshold leaving <= F x baseline parameters\n"
    "  --max-expand F       a group grows to at most F x its baseline width, default 2\n"
    "  --min-keep F         a group shrinks to at least F x its pruned width, default 0.5\n"
    "  --noise X            noise on copied channels (relative std), default 0.01\n"
    "  --lr X               shrink learning rate (SGD, cosine), default 0.02\n"
    "  --finetune-lr X      fine-tune learning rate, default 0.02\n"
    "Distillation during the fine-tune (default none):\n"
    CIMSCOPE_DISTILL_OPTIONS_HELP
    "  --batch N            batch size, default 128\n"
    "  --no-augment         no random crop / flip\n"
    "  --threads N          torch intra-op threads (0 = all cores, default)\n"
    "  --seed N             order, augmentation, noise and subsets; default 1\n"
    "  --resume             continue an interrupted morph of the same options and --out\n"
    "  --json               print one JSON object on stdout (docs/cli.md \"morph\")\n"
    "Macro:\n"
    CIMSCOPE_MACRO_OPTIONS_HELP
    "Data (default: the data set the baseline was trained on):\n"
    CIMSCOPE_DATA_OPTIONS_HELP;

namespace {

nlohmann::json stepJson(const MorphStepReport& s) {
  return {{"name", s.name},
          {"widths", s.widths},
          {"layer_cout", s.layer_cout},
          {"params", s.params},
          {"weights", s.weights},
          {"tiles", s.tiles},
          {"macros", s.macros},
          {"utilization", s.utilization},
          {"fits_on_chip", s.fits_on_chip},
          {"weight_load_cycles_per_inference", s.weight_load_cycles_per_inference},
          {"latency_cycles", s.latency_cycles},
          {"energy_pj", s.energy_pj},
          {"accuracy", s.accuracy},
          {"test_loss", s.test_loss},
          {"epochs", s.epochs},
          {"regularizer", s.regularizer},
          {"seconds", s.seconds}};
}

std::string num(double v, const char* f) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

void printHuman(const MorphResult& r, const MacroSpec& m) {
  std::ostream& out = std::cout;
  out << "macro " << m.name << " " << m.rows << "x" << m.cols << ", packing "
      << toString(m.packing) << ", " << m.macros_on_chip << " macros on chip; budget "
      << r.budget_macros << " macros (" << r.budget_kind << "); prune threshold "
      << num(r.threshold, "%.4g") << " removed " << r.pruned_channels << " channels\n\n";
  std::printf("%-9s %10s %7s %7s %6s %12s %12s %11s %8s %6s\n", "step", "params", "tiles",
              "macros", "util", "load/inf", "latency", "energy_nJ", "acc_%", "epochs");
  std::fflush(stdout);
  for (const auto& s : r.steps) {
    std::printf("%-9s %10lld %7lld %7lld %5.1f%% %12lld %12lld %11.1f %8.2f %6d\n", s.name.c_str(),
                static_cast<long long>(s.params), static_cast<long long>(s.tiles),
                static_cast<long long>(s.macros), 100 * s.utilization,
                static_cast<long long>(s.weight_load_cycles_per_inference),
                static_cast<long long>(s.latency_cycles), s.energy_pj / 1000, 100 * s.accuracy,
                s.epochs);
  }
  std::fflush(stdout);
  out << "\nwidths per group:\n";
  std::printf("%-18s", "group");
  for (const auto& s : r.steps) std::printf(" %9s", s.name.c_str());
  std::printf("\n");
  for (std::size_t g = 0; g < r.group_names.size(); ++g) {
    std::printf("%-18s", r.group_names[g].c_str());
    for (const auto& s : r.steps) std::printf(" %9d", s.widths[g]);
    std::printf("\n");
  }
  std::fflush(stdout);
  if (const MorphStepReport* sh = r.step("shrink")) {
    if (!sh->regularizer.empty()) {
      out << "\nshrink regularizer R(gamma) per epoch:";
      for (double v : sh->regularizer) out << " " << num(v, "%.1f");
      out << "\n";
    }
    out << "importance after shrink (share of sum |gamma|, top layers):";
    int shown = 0;
    for (int li : sh->importance.ranked_layers) {
      if (shown++ == 6) break;
      const auto& l = sh->importance.layers[static_cast<std::size_t>(li)];
      out << " " << l.name << " " << num(100 * l.share, "%.1f") << "%";
    }
    out << "\n";
  }
  out << "width search: " << r.search.method << (r.search.exact ? " (exact)" : "")
      << ", objective " << num(r.search.objective, "%.4g") << "\n";
  for (const auto& w : r.warnings) out << "warning: " << w << "\n";
  if (!r.out_checkpoint.empty()) out << "checkpoint: " << r.out_checkpoint << "\n";
}

}  // namespace

int runMorph(const std::vector<std::string>& argv) {
  std::set<std::string> values = {"in", "out", "budget", "lambda", "shrink-epochs",
                                  "finetune-epochs", "threshold", "keep-params", "max-expand",
                                  "min-keep", "noise", "lr", "finetune-lr", "batch", "threads",
                                  "seed"};
  values.insert(kDistillOptions.begin(), kDistillOptions.end());
  values.insert(kDataOptions.begin(), kDataOptions.end());
  values.insert(kMacroOptions.begin(), kMacroOptions.end());
  CliArgs args(argv, values, {"json", "no-augment", "resume"});
  MorphConfig c;
  c.resume = args.has("resume");
  c.in_checkpoint = args.require("in");
  c.out_checkpoint = args.require("out");
  c.macro = macroFrom(args);
  const std::string budget = args.getOr("budget", "pruned");
  if (budget == "pruned") c.budget = MorphBudget::kPruned;
  else if (budget == "baseline") c.budget = MorphBudget::kBaseline;
  else if (budget == "chip") c.budget = MorphBudget::kChip;
  else {
    c.budget = MorphBudget::kMacros;
    char* end = nullptr;
    const long long n = std::strtoll(budget.c_str(), &end, 10);
    if (budget.empty() || *end != '\0' || n < 1) {
      throw ConfigError("--budget: '" + budget +
                        "' is not a macro count >= 1 or one of pruned, baseline, chip");
    }
    c.budget_macros = n;
  }
  c.lambda = args.getDouble("lambda", c.lambda, 0, 1e3);
  c.shrink_epochs = static_cast<int>(args.getInt("shrink-epochs", c.shrink_epochs, 0, 10000));
  c.finetune_epochs = static_cast<int>(args.getInt("finetune-epochs", c.finetune_epochs, 0, 10000));
  c.threshold = args.getDouble("threshold", c.threshold, 0, 1e6);
  c.keep_params = args.getDouble("keep-params", 0, 0, 1);
  c.max_expand = args.getDouble("max-expand", c.max_expand, 1, 64);
  c.min_keep = args.getDouble("min-keep", c.min_keep, 0, 1);
  c.noise = args.getDouble("noise", c.noise, 0, 10);
  const auto seed = static_cast<std::uint64_t>(args.getInt("seed", 1, 0, 1LL << 62));
  for (TrainConfig* t : {&c.shrink_train, &c.finetune_train}) {
    t->batch_size = args.getInt("batch", 128, 1, 65536);
    t->augment = !args.has("no-augment");
    t->threads = static_cast<int>(args.getInt("threads", 0, 0, 1024));
    t->seed = seed;
  }
  c.shrink_train.lr = args.getDouble("lr", c.shrink_train.lr, 1e-8, 10);
  c.finetune_train.lr = args.getDouble("finetune-lr", c.finetune_train.lr, 1e-8, 10);
  c.finetune_distill = distillConfigFrom(args);
  DatasetConfig dc = datasetConfigFrom(args, checkpointDatasetName(c.in_checkpoint));
  c.dataset_name = dc.name;
  c.subset_train = dc.subset_train;
  c.subset_test = dc.subset_test;
  c.validate();

  Dataset data = loadDataset(dc);
  std::cerr << "morph " << c.in_checkpoint << " on " << data.name << " (" << data.train.size()
            << " train / " << data.test.size() << " test samples) -> " << c.out_checkpoint
            << "\n";
  if (c.finetune_distill.enabled()) {
    std::cerr << "fine-tune distils from " << c.finetune_distill.teacher << " (weight "
              << c.finetune_distill.weight << ", temperature " << c.finetune_distill.temperature
              << ")\n";
  }
  CancelObserver cancel(installInterruptHandler());
  ProgressLine progress("morph");
  ObserverList observers({&progress, &cancel});
  const MorphResult r = runMorph(c, data, observers, [&](const MorphStepReport& s) {
    progress.finish();
    std::cerr << "  " << s.name << ": " << s.macros << " macros, utilization "
              << num(100 * s.utilization, "%.1f") << " %, accuracy "
              << num(100 * s.accuracy, "%.2f") << " %\n";
  });
  progress.finish();
  for (const auto& [step, epochs] : r.resumed) {
    std::cerr << "  " << step << ": continued after epoch " << epochs << " of the interrupted run\n";
  }
  const bool cancelled = r.status == MorphResult::Status::kCancelled;
  if (args.has("json")) {
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& s : r.steps) steps.push_back(stepJson(s));
    nlohmann::json j = {{"status", cancelled ? "cancelled" : "completed"},
                        {"width_groups", r.group_names},
                        {"layers", r.layer_names},
                        {"steps", steps},
                        {"budget", {{"kind", r.budget_kind}, {"macros", r.budget_macros}}},
                        {"threshold", r.threshold},
                        {"pruned_channels", r.pruned_channels},
                        {"search",
                         {{"feasible", r.search.feasible},
                          {"exact", r.search.exact},
                          {"objective", r.search.objective},
                          {"widths", r.search.widths},
                          {"macros", r.search.macros},
                          {"method", r.search.method}}},
                        {"checkpoint", r.out_checkpoint},
                        {"seconds", r.seconds},
                        {"warnings", r.warnings}};
    if (!r.steps.empty()) j["baseline"] = stepJson(r.steps.front());
    if (!cancelled && !r.steps.empty()) j["adapted"] = stepJson(r.steps.back());
    std::cout << j.dump(2) << "\n";
  } else {
    printHuman(r, c.macro);
  }
  return cancelled ? 130 : 0;
}

}  // namespace cimscope::cli
