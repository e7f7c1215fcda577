#include <iostream>
#include <nlohmann/json.hpp>

#include "app/cli/cli_args.h"
#include "app/cli/commands.h"
#include "engine/common/errors.h"
#include "engine/jobs/experiment_config.h"

namespace cimscope::cli {

const char* const kConfigUsage =
    "Usage: cimscope-cli config --print-default\n"
    "       cimscope-cli config --check FILE.json\n\n"
    "  --print-default   write the default experiment config (every field) to stdout\n"
    "  --check FILE      validate a config: every field's type and range, unknown keys;\n"
    "                    prints the config with defaults filled in\n"
    "Fields: docs/config.md\n";

int runConfig(const std::vector<std::string>& argv) {
  CliArgs args(argv, {"check"}, {"print-default"});
  if (args.has("print-default")) {
    std::cout << ExperimentConfig::defaults().toJson().dump(2) << "\n";
    return 0;
  }
  if (auto path = args.get("check")) {
    std::cout << ExperimentConfig::readFile(*path).toJson().dump(2) << "\n";
    return 0;
  }
  throw ConfigError("give --print-default or --check FILE (see --help)");
}

}  // namespace cimscope::cli
