#include <iostream>

#include "app/cli/cli_args.h"
#include "app/cli/commands.h"
#include "engine/common/errors.h"
#include "engine/store/table_export.h"

namespace cimscope::cli {

const char* const kExportUsage =
    "Usage: cimscope-cli export --in FILE.h5 (--csv OUT.csv | --json OUT.json)\n\n"
    "Writes the tables of a cimscope file for spreadsheets and notebooks: a sweep's points, a\n"
    "checkpoint's training curve. CSV: a header line and one line per row (several tables\n"
    "each start with a \"# name\" line); JSON: {\"table\": [{column: value}, ...]}. Missing\n"
    "values (e.g. accuracy of a mapping-only point) are empty cells / null.\n";

int runExport(const std::vector<std::string>& argv) {
  CliArgs args(argv, {"in", "csv", "json"}, {});
  const std::string in = args.require("in");
  if (args.has("csv") == args.has("json")) throw ConfigError("give exactly one of --csv and --json");
  const auto tables = readExportTables(in);
  std::size_t rows = 0;
  for (const auto& t : tables) rows += t.table.rows.size();
  if (auto csv = args.get("csv")) {
    writeCsv(*csv, tables);
    std::cout << "wrote " << rows << " rows to " << *csv << "\n";
  } else {
    const std::string json = *args.get("json");
    writeJson(json, tables);
    std::cout << "wrote " << rows << " rows to " << json << "\n";
  }
  return 0;
}

}  // namespace cimscope::cli
