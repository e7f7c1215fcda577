#include "engine/store/record_table.h"

#include <hdf5.h>

#include <cstring>

#include "engine/common/errors.h"
#include "engine/store/h5_file.h"

namespace cimscope {

namespace {

constexpr hsize_t kChunkRows = 256;

std::size_t cellSize(const TableColumn& c) {
  switch (c.type) {
    case TableColumn::Type::kInt64: return sizeof(std::int64_t);
    case TableColumn::Type::kFloat64: return sizeof(double);
    case TableColumn::Type::kString: return static_cast<std::size_t>(c.string_size);
  }
  return 0;
}

// Builds the compound type of `columns`; fills offsets. Caller closes the type.
hid_t makeType(const std::vector<TableColumn>& columns, std::vector<std::size_t>* offsets,
               std::size_t* size) {
  std::size_t total = 0;
  offsets->clear();
  for (const auto& c : columns) {
    offsets->push_back(total);
    total += cellSize(c);
  }
  *size = total;
  hid_t t = H5Tcreate(H5T_COMPOUND, total);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    if (c.type == TableColumn::Type::kInt64) {
      H5Tinsert(t, c.name.c_str(), (*offsets)[i], H5T_NATIVE_INT64);
    } else if (c.type == TableColumn::Type::kFloat64) {
      H5Tinsert(t, c.name.c_str(), (*offsets)[i], H5T_NATIVE_DOUBLE);
    } else {
      hid_t s = H5Tcopy(H5T_C_S1);
      H5Tset_size(s, static_cast<std::size_t>(c.string_size));
      H5Tset_strpad(s, H5T_STR_NULLPAD);
      H5Tset_cset(s, H5T_CSET_UTF8);
      H5Tinsert(t, c.name.c_str(), (*offsets)[i], s);
      H5Tclose(s);
    }
  }
  return t;
}

std::vector<TableColumn> columnsOfType(hid_t type, const std::string& where) {
  std::vector<TableColumn> cols;
  if (H5Tget_class(type) != H5T_COMPOUND) throw StoreError(where + ": not a compound table");
  const int n = H5Tget_nmembers(type);
  for (int i = 0; i < n; ++i) {
    TableColumn c;
    char* name = H5Tget_member_name(type, static_cast<unsigned>(i));
    c.name = name;
    H5free_memory(name);
    hid_t mt = H5Tget_member_type(type, static_cast<unsigned>(i));
    switch (H5Tget_class(mt)) {
      case H5T_INTEGER: c.type = TableColumn::Type::kInt64; break;
      case H5T_FLOAT: c.type = TableColumn::Type::kFloat64; break;
      case H5T_STRING:
        c.type = TableColumn::Type::kString;
        c.string_size = static_cast<int>(H5Tget_size(mt));
        break;
      default:
        H5Tclose(mt);
        throw StoreError(where + ": column " + c.name + " has an unsupported type");
    }
    H5Tclose(mt);
    cols.push_back(c);
  }
  return cols;
}

bool sameColumns(const std::vector<TableColumn>& a, const std::vector<TableColumn>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].type != b[i].type ||
        (a[i].type == TableColumn::Type::kString && a[i].string_size != b[i].string_size)) {
      return false;
    }
  }
  return true;
}

}  // namespace

int RecordTable::columnIndex(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

RecordTableWriter::RecordTableWriter(H5File& file, const std::string& path,
                                     std::vector<TableColumn> columns)
    : file_(file), path_(path), columns_(std::move(columns)) {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const auto& c = columns_[i];
    for (std::size_t k = 0; k < i; ++k) {
      if (columns_[k].name == c.name) {
        throw StoreError(file.path() + ": " + path + ": column " + c.name + " given twice");
      }
    }
    if (c.type == TableColumn::Type::kString && c.string_size <= 0) {
      throw StoreError(file.path() + ": " + path + ": string column " + c.name + " needs a size");
    }
  }
  mem_type_ = makeType(columns_, &offsets_, &row_size_);
  const hid_t fid = static_cast<hid_t>(file.id());
  if (file.exists(path)) {
    dataset_ = H5Dopen2(fid, path.c_str(), H5P_DEFAULT);
    if (dataset_ < 0) throw StoreError(file.path() + ": " + path + ": cannot open table");
    hid_t ft = H5Dget_type(dataset_);
    const auto existing = columnsOfType(ft, file.path() + ": " + path);
    H5Tclose(ft);
    if (!sameColumns(existing, columns_)) {
      auto names = [](const std::vector<TableColumn>& cols) {
        std::string s;
        for (const auto& c : cols) {
          s += (s.empty() ? "" : ",") + c.name +
               (c.type == TableColumn::Type::kString ? "[" + std::to_string(c.string_size) + "]"
                : c.type == TableColumn::Type::kInt64 ? ":i" : ":f");
        }
        return s;
      };
      throw StoreError(file.path() + ": " + path + ": the table's columns (" + names(existing) +
                       ") differ from the ones this run writes (" + names(columns_) + ")");
    }
    hid_t space = H5Dget_space(dataset_);
    hsize_t dims[1] = {0};
    H5Sget_simple_extent_dims(space, dims, nullptr);
    H5Sclose(space);
    rows_ = static_cast<std::int64_t>(dims[0]);
    return;
  }
  const auto slash = path.find_last_of('/');
  if (slash != std::string::npos && slash > 0) file.createGroup(path.substr(0, slash));
  hsize_t dims[1] = {0}, max[1] = {H5S_UNLIMITED}, chunk[1] = {kChunkRows};
  hid_t space = H5Screate_simple(1, dims, max);
  hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(plist, 1, chunk);
  dataset_ = H5Dcreate2(fid, path.c_str(), mem_type_, space, H5P_DEFAULT, plist, H5P_DEFAULT);
  H5Pclose(plist);
  H5Sclose(space);
  if (dataset_ < 0) throw StoreError(file.path() + ": " + path + ": cannot create table");
  file.flush();
}

RecordTableWriter::~RecordTableWriter() {
  if (dataset_ >= 0) H5Dclose(dataset_);
  if (mem_type_ >= 0) H5Tclose(mem_type_);
}

void RecordTableWriter::pack(const TableRow& row, unsigned char* out) const {
  if (row.size() != columns_.size()) {
    throw StoreError(file_.path() + ": " + path_ + ": a row has " + std::to_string(row.size()) +
                     " cells, the table " + std::to_string(columns_.size()) + " columns");
  }
  for (std::size_t i = 0; i < row.size(); ++i) {
    const auto& c = columns_[i];
    unsigned char* dst = out + offsets_[i];
    if (c.type == TableColumn::Type::kInt64) {
      const auto* v = std::get_if<std::int64_t>(&row[i]);
      if (!v) throw StoreError(path_ + ": column " + c.name + " expects an integer");
      std::memcpy(dst, v, sizeof *v);
    } else if (c.type == TableColumn::Type::kFloat64) {
      double d;
      if (const auto* v = std::get_if<double>(&row[i])) d = *v;
      else if (const auto* k = std::get_if<std::int64_t>(&row[i])) d = static_cast<double>(*k);
      else throw StoreError(path_ + ": column " + c.name + " expects a number");
      std::memcpy(dst, &d, sizeof d);
    } else {
      const auto* v = std::get_if<std::string>(&row[i]);
      if (!v) throw StoreError(path_ + ": column " + c.name + " expects a string");
      std::memset(dst, 0, static_cast<std::size_t>(c.string_size));
      std::memcpy(dst, v->data(), std::min<std::size_t>(v->size(), c.string_size));
    }
  }
}

void RecordTableWriter::append(const TableRow& row) { append(std::vector<TableRow>{row}); }

void RecordTableWriter::append(const std::vector<TableRow>& rows) {
  if (rows.empty()) return;
  std::vector<unsigned char> buf(rows.size() * row_size_);
  for (std::size_t r = 0; r < rows.size(); ++r) pack(rows[r], buf.data() + r * row_size_);
  hsize_t new_size[1] = {static_cast<hsize_t>(rows_ + static_cast<std::int64_t>(rows.size()))};
  if (H5Dset_extent(dataset_, new_size) < 0) {
    throw StoreError(file_.path() + ": " + path_ + ": cannot extend the table");
  }
  hid_t fspace = H5Dget_space(dataset_);
  hsize_t start[1] = {static_cast<hsize_t>(rows_)}, count[1] = {rows.size()};
  H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, nullptr, count, nullptr);
  hid_t mspace = H5Screate_simple(1, count, nullptr);
  const herr_t st = H5Dwrite(dataset_, mem_type_, mspace, fspace, H5P_DEFAULT, buf.data());
  H5Sclose(mspace);
  H5Sclose(fspace);
  if (st < 0) throw StoreError(file_.path() + ": " + path_ + ": cannot write rows");
  rows_ += static_cast<std::int64_t>(rows.size());
  // Dataset first (its chunk index), then the whole file: after this returns, a kill keeps the row.
  H5Dflush(dataset_);
  file_.flush();
}

RecordTable readRecordTable(const H5File& file, const std::string& path) {
  RecordTable t;
  const std::string where = file.path() + ": " + path;
  hid_t ds = H5Dopen2(static_cast<hid_t>(file.id()), path.c_str(), H5P_DEFAULT);
  if (ds < 0) throw StoreError(where + ": no such table");
  hid_t ft = H5Dget_type(ds);
  try {
    t.columns = columnsOfType(ft, where);
  } catch (...) {
    H5Tclose(ft);
    H5Dclose(ds);
    throw;
  }
  H5Tclose(ft);
  std::vector<std::size_t> offsets;
  std::size_t row_size = 0;
  hid_t mt = makeType(t.columns, &offsets, &row_size);
  hid_t space = H5Dget_space(ds);
  hsize_t dims[1] = {0};
  H5Sget_simple_extent_dims(space, dims, nullptr);
  H5Sclose(space);
  std::vector<unsigned char> buf(static_cast<std::size_t>(dims[0]) * row_size);
  herr_t st = dims[0] ? H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) : 0;
  H5Tclose(mt);
  H5Dclose(ds);
  if (st < 0) throw StoreError(where + ": cannot read the table (file damaged?)");
  for (hsize_t r = 0; r < dims[0]; ++r) {
    const unsigned char* row = buf.data() + r * row_size;
    TableRow out;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
      const auto& c = t.columns[i];
      if (c.type == TableColumn::Type::kInt64) {
        std::int64_t v;
        std::memcpy(&v, row + offsets[i], sizeof v);
        out.emplace_back(v);
      } else if (c.type == TableColumn::Type::kFloat64) {
        double v;
        std::memcpy(&v, row + offsets[i], sizeof v);
        out.emplace_back(v);
      } else {
        const char* s = reinterpret_cast<const char*>(row + offsets[i]);
        out.emplace_back(std::string(s, strnlen(s, static_cast<std::size_t>(c.string_size))));
      }
    }
    t.rows.push_back(std::move(out));
  }
  return t;
}

}  // namespace cimscope
