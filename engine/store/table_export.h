#pragma once

#include <string>
#include <vector>

#include "engine/store/record_table.h"

namespace cimscope {

// A named table found in a cimscope file, ready for export.
struct NamedTable {
  std::string name;   // "points", "curve", ...
  RecordTable table;
};

// The tables of any cimscope HDF5 file: a sweep's points, a checkpoint's training curve, and
// any other record tables under the root. StoreError if the file is not one of ours.
std::vector<NamedTable> readExportTables(const std::string& path);

// CSV: one header line, one line per row, RFC 4180 quoting; NaN is an empty cell. Several
// tables go one after the other, each preceded by a "# <name>" line. Written atomically.
void writeCsv(const std::string& path, const std::vector<NamedTable>& tables);
// JSON: {"<name>": [{"column": value, ...}, ...], ...}; NaN is null. Written atomically.
void writeJson(const std::string& path, const std::vector<NamedTable>& tables);

}  // namespace cimscope
