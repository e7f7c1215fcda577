#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace cimscope {

class H5File;

// A column of a record table: an HDF5 compound member.
struct TableColumn {
  enum class Type { kInt64, kFloat64, kString };
  std::string name;
  Type type = Type::kFloat64;
  int string_size = 0;  // kString: fixed length in bytes, NUL-padded (longer values are cut)
};

using TableCell = std::variant<std::int64_t, double, std::string>;
using TableRow = std::vector<TableCell>;

// Appends rows to a one-dimensional, chunked, extendible compound dataset and flushes the file
// after every row, so a process killed at any point leaves every appended row readable
// (docs/hdf5-schema.md, "Sweeps"). Opening an existing table checks that its columns match.
class RecordTableWriter {
 public:
  RecordTableWriter(H5File& file, const std::string& path, std::vector<TableColumn> columns);
  ~RecordTableWriter();
  RecordTableWriter(const RecordTableWriter&) = delete;
  RecordTableWriter& operator=(const RecordTableWriter&) = delete;

  // Throws StoreError if a cell's type does not match its column or the write fails.
  void append(const TableRow& row);
  // Appends several rows with one extent change and one flush.
  void append(const std::vector<TableRow>& rows);
  std::int64_t rows() const { return rows_; }
  const std::vector<TableColumn>& columns() const { return columns_; }

 private:
  std::size_t rowBytes() const { return row_size_; }
  void pack(const TableRow& row, unsigned char* out) const;

  H5File& file_;
  std::string path_;
  std::vector<TableColumn> columns_;
  std::vector<std::size_t> offsets_;
  std::size_t row_size_ = 0;
  std::int64_t dataset_ = -1;
  std::int64_t mem_type_ = -1;
  std::int64_t rows_ = 0;
};

// Reads a whole record table. Columns are read back from the file's compound type.
struct RecordTable {
  std::vector<TableColumn> columns;
  std::vector<TableRow> rows;

  int columnIndex(const std::string& name) const;  // -1 if absent
};
RecordTable readRecordTable(const H5File& file, const std::string& path);

}  // namespace cimscope
