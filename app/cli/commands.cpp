#include "app/cli/commands.h"

namespace cimscope::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"datasets", "list the data sets found, with counts, shapes and paths", kDatasetsUsage,
       &runDatasets},
  };
  return table;
}

}  // namespace cimscope::cli
