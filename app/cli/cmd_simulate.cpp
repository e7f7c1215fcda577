// `cimscope-cli simulate`: the bit-accurate macro simulator on a Stage 2 checkpoint.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/macro_options.h"
#include "engine/adapt/trainer.h"
#include "engine/cim/macro_spec_json.h"
#include "engine/cim/sim/simulation.h"

namespace cimscope::cli {

const char* const kSimulateUsage =
    "Usage: cimscope-cli simulate --in FILE.h5 [--dataset NAME] [--macro ...] [overrides]\n"
    "         [--subset-test N] [--check] [--per-slice] [--json]\n\n"
    "Runs a quantized (qat) checkpoint the way the macro does: integer weights in cells,\n"
    "integer inputs, one integer partial sum per wordline group through the ADC, digital\n"
    "accumulation and rescale; batch norm, pooling and shortcuts in float. Prints the accuracy,\n"
    "each layer's ADC saturation and the cost model's cycles, conversions and energy for the\n"
    "run. Compare with `cimscope-cli eval` on the same checkpoint (the fake-quantized forward).\n\n"
    "  --in FILE.h5     checkpoint written by qat\n"
    "  --check          also run the fake-quantized forward and report agreement (partial-sum\n"
    "                   mismatches, same top-1, largest logit difference)\n"
    "  --per-slice      one product per cell slice, shift-added before the ADC (slower)\n"
    "  --batch N        images per batch, default 500\n"
    "  --threads N      torch intra-op threads (0 = all cores)\n"
    "  --seed N         subset selection; default 1\n"
    "  --json           print one JSON object on stdout\n"
    "Macro (default: the checkpoint's; others may change only timing, energy, columns, ADCs,\n"
    "cells and chip size, not the bits or the wordline groups):\n"
    CIMSCOPE_MACRO_OPTIONS_HELP
    "Data (default: the data set the checkpoint was trained on):\n"
    CIMSCOPE_DATA_OPTIONS_HELP;

int runSimulate(const std::vector<std::string>& argv) {
  std::set<std::string> values = {"in", "batch", "threads", "seed"};
  values.insert(kDataOptions.begin(), kDataOptions.end());
  values.insert(kMacroOptions.begin(), kMacroOptions.end());
  CliArgs args(argv, values, {"json", "check", "per-slice"});
  SimulationConfig c;
  c.checkpoint = args.require("in");
  bool macro_given = false;
  for (const auto& o : kMacroOptions) macro_given = macro_given || args.has(o);
  if (macro_given) c.macro = macroFrom(args);
  c.compare_fake_quant = args.has("check");
  c.per_slice = args.has("per-slice");
  c.batch_size = args.getInt("batch", 500, 1, 65536);
  c.threads = static_cast<int>(args.getInt("threads", 0, 0, 1024));
  c.validate();
  DatasetConfig dc = datasetConfigFrom(args, checkpointDatasetName(c.checkpoint));
  Dataset data = loadDataset(dc);
  SimulationResult r = simulateCheckpoint(c, data);
  const auto& t = r.per_inference;
  if (args.has("json")) {
    nlohmann::json layers = nlohmann::json::array();
    for (const auto& l : r.layers) {
      layers.push_back({{"name", l.name},
                        {"quantized", l.quantized},
                        {"psum_groups", l.psum_groups},
                        {"conversions", l.conversions},
                        {"clipped_fraction", l.clipped_fraction},
                        {"max_abs_psum", l.max_abs_psum}});
    }
    nlohmann::json j = {{"checkpoint", c.checkpoint},
                        {"dataset", data.name},
                        {"samples", r.samples},
                        {"accuracy", r.accuracy},
                        {"class_accuracy", r.class_accuracy},
                        {"seconds", r.seconds},
                        {"images_per_second", r.images_per_second},
                        {"layers", layers},
                        {"per_inference",
                         {{"latency_cycles", t.latency_cycles},
                          {"latency_us", t.latency_us},
                          {"adc_conversions", t.adc_conversions},
                          {"energy_pj", t.energy_pj}}},
                        {"total",
                         {{"cycles", r.compute_cycles},
                          {"adc_conversions", r.adc_conversions},
                          {"energy_uj", r.energy_uj}}},
                        {"warnings", r.warnings}};
    if (r.compared) {
      j["check"] = {{"argmax_agreement", r.argmax_agreement},
                    {"max_logit_difference", r.max_logit_difference},
                    {"psum_mismatches", r.psum_mismatches}};
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%s on %s test split (%lld samples), simulated at %.0f images/s\n",
              c.checkpoint.c_str(), data.name.c_str(), static_cast<long long>(r.samples),
              r.images_per_second);
  std::printf("accuracy %.2f %%\n\n", 100 * r.accuracy);
  std::printf("%-18s %6s %14s %9s %10s\n", "layer", "groups", "conversions", "clipped",
              "max|psum|");
  for (const auto& l : r.layers) {
    if (!l.quantized) {
      std::printf("%-18s %6s %14s %9s %10s\n", l.name.c_str(), "float", "-", "-", "-");
      continue;
    }
    std::printf("%-18s %6d %14lld %8.3f%% %10lld\n", l.name.c_str(), l.psum_groups,
                static_cast<long long>(l.conversions), 100 * l.clipped_fraction,
                static_cast<long long>(l.max_abs_psum));
  }
  std::printf("\ncost model per inference: %lld cycles (%.1f us), %lld ADC conversions, %.1f nJ\n",
              static_cast<long long>(t.latency_cycles), t.latency_us,
              static_cast<long long>(t.adc_conversions), t.energy_pj / 1000);
  std::printf("for the run: %lld cycles, %lld conversions, %.3f uJ\n",
              static_cast<long long>(r.compute_cycles), static_cast<long long>(r.adc_conversions),
              r.energy_uj);
  if (r.compared) {
    std::printf("check vs fake-quantized forward: %lld / %lld same top-1, %lld partial sums "
                "differ, max logit difference %.3g\n",
                static_cast<long long>(r.argmax_agreement), static_cast<long long>(r.samples),
                static_cast<long long>(r.psum_mismatches), r.max_logit_difference);
  }
  for (const auto& w : r.warnings) std::cout << "warning: " << w << "\n";
  return 0;
}

}  // namespace cimscope::cli
