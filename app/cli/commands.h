#pragma once

#include <string>
#include <vector>

namespace cimscope::cli {

// One subcommand of cimscope-cli. `run` gets the arguments after the command name and returns
// the exit status; engine errors propagate as exceptions and main() prints them.
struct Command {
  const char* name;
  const char* summary;  // one line for `cimscope-cli --help`
  const char* usage;    // full text for `cimscope-cli CMD --help`
  int (*run)(const std::vector<std::string>& args);
};

// The table, in the order --help lists them.
const std::vector<Command>& commands();

int runDatasets(const std::vector<std::string>& args);
extern const char* const kDatasetsUsage;
int runMap(const std::vector<std::string>& args);
extern const char* const kMapUsage;
int runTrain(const std::vector<std::string>& args);
extern const char* const kTrainUsage;
int runEval(const std::vector<std::string>& args);
extern const char* const kEvalUsage;
int runMorph(const std::vector<std::string>& args);
extern const char* const kMorphUsage;
int runRun(const std::vector<std::string>& args);
extern const char* const kRunUsage;
int runSweep(const std::vector<std::string>& args);
extern const char* const kSweepUsage;
int runConfig(const std::vector<std::string>& args);
extern const char* const kConfigUsage;
int runExport(const std::vector<std::string>& args);
extern const char* const kExportUsage;

int runQat(const std::vector<std::string>& args);
extern const char* const kQatUsage;
int runAdcSweep(const std::vector<std::string>& args);
extern const char* const kAdcSweepUsage;
int runSimulate(const std::vector<std::string>& args);
extern const char* const kSimulateUsage;

}  // namespace cimscope::cli
