#include "engine/store/table_export.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"
#include "engine/store/h5_file.h"

namespace cimscope {

namespace {

// The training curve of a checkpoint as a table.
RecordTable curveTable(const H5File& f) {
  RecordTable t;
  using T = TableColumn::Type;
  const std::vector<std::string> names = {"epoch",         "train_loss",    "train_accuracy",
                                          "test_loss",     "test_accuracy", "learning_rate",
                                          "seconds"};
  std::vector<std::vector<double>> cols;
  for (const auto& n : names) {
    t.columns.push_back({n, n == "epoch" ? T::kInt64 : T::kFloat64, 0});
    cols.push_back(f.readArray("/curve/" + n).values);
  }
  for (std::size_t r = 0; r < cols[0].size(); ++r) {
    TableRow row;
    row.emplace_back(static_cast<std::int64_t>(cols[0][r]));
    for (std::size_t c = 1; c < cols.size(); ++c) row.emplace_back(cols[c].at(r));
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string csvCell(const TableCell& c) {
  if (const auto* i = std::get_if<std::int64_t>(&c)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&c)) {
    if (std::isnan(*d)) return "";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  const std::string& s = std::get<std::string>(c);
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + "\"";
}

void writeAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw StoreError(path + ": cannot write (check the folder exists and is writable)");
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      throw StoreError(path + ": write failed (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw StoreError(path + ": cannot move the finished file into place");
  }
}

}  // namespace

std::vector<NamedTable> readExportTables(const std::string& path) {
  if (!std::filesystem::exists(path)) throw StoreError(path + ": no such file");
  H5File f(path, H5File::Mode::kRead);
  const auto fmt = f.stringAttribute("/", "format");
  if (!fmt || fmt->rfind("cimscope-", 0) != 0) {
    throw StoreError(path + ": not a cimscope file (no 'format' attribute naming one)");
  }
  const auto version = f.intAttribute("/", "format_version");
  if (version && *version > 1) {
    throw StoreError(path + ": format version " + std::to_string(*version) +
                     " is newer than this build reads (1)");
  }
  std::vector<NamedTable> out;
  if (f.exists("/points")) out.push_back({"points", readRecordTable(f, "/points")});
  if (f.exists("/curve/epoch")) out.push_back({"curve", curveTable(f)});
  if (out.empty()) throw StoreError(path + ": holds no table to export");
  return out;
}

void writeCsv(const std::string& path, const std::vector<NamedTable>& tables) {
  std::string text;
  for (const auto& nt : tables) {
    if (tables.size() > 1) text += "# " + nt.name + "\n";
    for (std::size_t i = 0; i < nt.table.columns.size(); ++i) {
      text += (i ? "," : "") + nt.table.columns[i].name;
    }
    text += "\n";
    for (const auto& row : nt.table.rows) {
      for (std::size_t i = 0; i < row.size(); ++i) text += (i ? "," : "") + csvCell(row[i]);
      text += "\n";
    }
  }
  writeAtomically(path, text);
}

void writeJson(const std::string& path, const std::vector<NamedTable>& tables) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& nt : tables) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : nt.table.rows) {
      nlohmann::json r = nlohmann::json::object();
      for (std::size_t i = 0; i < row.size(); ++i) {
        const auto& name = nt.table.columns[i].name;
        std::visit(
            [&](const auto& v) {
              using V = std::decay_t<decltype(v)>;
              if constexpr (std::is_same_v<V, double>) {
                r[name] = std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
              } else {
                r[name] = v;
              }
            },
            row[i]);
      }
      rows.push_back(std::move(r));
    }
    out[nt.name] = std::move(rows);
  }
  writeAtomically(path, out.dump(2) + "\n");
}

}  // namespace cimscope
