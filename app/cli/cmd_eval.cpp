#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/adapt/trainer.h"

namespace cimscope::cli {

const char* const kEvalUsage =
    "Usage: cimscope-cli eval --in FILE.h5 [--dataset NAME] [--json]\n\n"
    "Evaluates a checkpoint on a test split: top-1 accuracy, loss, per-class accuracy.\n"
    "The data set defaults to the one the checkpoint was trained on.\n\n"
    "  --in FILE.h5         checkpoint written by train (or a later stage)\n"
    "  --json               print one JSON object on stdout\n"
    "  --seed N             subset selection; default 1\n"
    "Data:\n"
    CIMSCOPE_DATA_OPTIONS_HELP;

int runEval(const std::vector<std::string>& argv) {
  std::set<std::string> values = {"in", "seed"};
  values.insert(kDataOptions.begin(), kDataOptions.end());
  CliArgs args(argv, values, {"json"});
  const std::string in = args.require("in");
  DatasetConfig dc = datasetConfigFrom(args, checkpointDatasetName(in));
  Dataset data = loadDataset(dc);
  EvalResult r = evaluateCheckpoint(in, data);
  if (args.has("json")) {
    nlohmann::json j = {{"checkpoint", in},          {"dataset", data.name},
                        {"samples", r.samples},      {"accuracy", r.accuracy},
                        {"loss", r.loss},            {"class_names", data.class_names},
                        {"class_accuracy", r.class_accuracy}, {"class_count", r.class_count}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << in << " on " << data.name << " test split (" << r.samples << " samples)\n"
            << "accuracy " << std::fixed << std::setprecision(2) << 100 * r.accuracy
            << " %   loss " << std::setprecision(4) << r.loss << "\n\nper class:\n";
  for (std::size_t c = 0; c < r.class_accuracy.size(); ++c) {
    std::cout << "  " << std::left << std::setw(14) << data.class_names[c] << std::right
              << std::setw(7) << std::setprecision(2) << 100 * r.class_accuracy[c] << " %  ("
              << r.class_count[c] << ")\n";
  }
  return 0;
}

}  // namespace cimscope::cli
