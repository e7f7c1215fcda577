#include "app/cli/commands.h"

namespace cimscope::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"datasets", "list the data sets found, with counts, shapes and paths", kDatasetsUsage,
       &runDatasets},
      {"map", "map a network onto CIM macros: tiles, utilization, cycles, energy", kMapUsage, &runMap},
      {"train", "train a float network and write an HDF5 checkpoint", kTrainUsage, &runTrain},
      {"eval", "evaluate a checkpoint on a test split", kEvalUsage, &runEval},
      {"morph", "Stage 1: CIM-aware shrink, prune, expand and fine-tune a checkpoint", kMorphUsage, &runMorph},
      {"run", "run the whole pipeline of a config into one run file (resumable)", kRunUsage,
       &runRun},
      {"sweep", "run a design-space sweep into an HDF5 file (resumable)", kSweepUsage, &runSweep},
      {"config", "print the default experiment config or check one", kConfigUsage, &runConfig},
      {"export", "write a sweep's or a checkpoint's tables as CSV or JSON", kExportUsage,
       &runExport},
      {"qat", "Stage 2: LSQ quantization-aware training, ADC-aware or not", kQatUsage, &runQat},
      {"adc-sweep", "Stage 2: accuracy vs ADC bits, ADC-unaware vs retrained ADC-aware",
       kAdcSweepUsage, &runAdcSweep},
      {"simulate", "run a quantized checkpoint on the bit-accurate macro simulator",
       kSimulateUsage, &runSimulate},
  };
  return table;
}

}  // namespace cimscope::cli
