#include "engine/store/h5_file.h"

#include <hdf5.h>

#include <sstream>

#include "engine/common/errors.h"

namespace cimscope {

namespace {

// Closes any HDF5 identifier when it goes out of scope.
class Handle {
 public:
  explicit Handle(hid_t id = -1) : id_(id) {}
  ~Handle() {
    if (id_ >= 0) closeAny(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  static void closeAny(hid_t id) {
    switch (H5Iget_type(id)) {
      case H5I_FILE: H5Fclose(id); break;
      case H5I_GROUP: H5Gclose(id); break;
      case H5I_DATASET: H5Dclose(id); break;
      case H5I_ATTR: H5Aclose(id); break;
      case H5I_DATASPACE: H5Sclose(id); break;
      case H5I_DATATYPE: H5Tclose(id); break;
      case H5I_GENPROP_LST: H5Pclose(id); break;
      default: break;
    }
  }
  hid_t id_;
};

void silenceHdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

std::string parentOf(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

H5File::H5File(const std::string& path, Mode mode) : path_(path) {
  silenceHdf5();
  if (mode == Mode::kCreate) {
    id_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (id_ < 0) throw StoreError(path + ": cannot create the HDF5 file (check the folder exists and is writable)");
    return;
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw StoreError(path + ": not an HDF5 file, truncated, or unreadable");
  }
  id_ = H5Fopen(path.c_str(), mode == Mode::kRead ? H5F_ACC_RDONLY : H5F_ACC_RDWR, H5P_DEFAULT);
  if (id_ < 0) throw StoreError(path + ": cannot open the HDF5 file (truncated or damaged)");
}

H5File::~H5File() {
  if (id_ >= 0) H5Fclose(id_);
}

H5File::H5File(H5File&& other) noexcept : path_(std::move(other.path_)), id_(other.id_) {
  other.id_ = -1;
}

void H5File::fail(const std::string& object_path, const std::string& what) const {
  throw StoreError(path_ + ": " + object_path + ": " + what);
}

bool H5File::exists(const std::string& object_path) const {
  if (object_path == "/") return true;
  // Check every prefix: H5Lexists fails (rather than returning false) on a missing parent.
  std::size_t pos = 1;
  while (true) {
    const auto next = object_path.find('/', pos);
    const std::string prefix = object_path.substr(0, next);
    if (H5Lexists(id_, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (next == std::string::npos) return true;
    pos = next + 1;
  }
}

void H5File::createGroup(const std::string& group_path) {
  if (exists(group_path)) return;
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle g(H5Gcreate2(id_, group_path.c_str(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!g.ok()) fail(group_path, "cannot create group");
}

std::vector<std::string> H5File::children(const std::string& group_path) const {
  std::vector<std::string> names;
  Handle g(H5Gopen2(id_, group_path.c_str(), H5P_DEFAULT));
  if (!g.ok()) fail(group_path, "no such group");
  H5G_info_t info;
  if (H5Gget_info(g.get(), &info) < 0) fail(group_path, "cannot list group");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n = H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0,
                                         H5P_DEFAULT);
    if (n < 0) fail(group_path, "cannot read a member name");
    std::string name(static_cast<std::size_t>(n), '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                       static_cast<std::size_t>(n) + 1, H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

namespace {

void replaceAttribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
}

}  // namespace

void H5File::setAttribute(const std::string& object_path, const std::string& name,
                          const std::string& value) {
  Handle obj(H5Oopen(id_, object_path.c_str(), H5P_DEFAULT));
  if (!obj.ok()) fail(object_path, "no such object for attribute '" + name + "'");
  replaceAttribute(obj.get(), name);
  Handle type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), value.empty() ? 1 : value.size());
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  Handle space(H5Screate(H5S_SCALAR));
  Handle attr(H5Acreate2(obj.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                         H5P_DEFAULT));
  const std::string stored = value.empty() ? std::string(1, '\0') : value;
  if (!attr.ok() || H5Awrite(attr.get(), type.get(), stored.data()) < 0) {
    fail(object_path, "cannot write attribute '" + name + "'");
  }
}

void H5File::setAttribute(const std::string& object_path, const std::string& name,
                          std::int64_t value) {
  Handle obj(H5Oopen(id_, object_path.c_str(), H5P_DEFAULT));
  if (!obj.ok()) fail(object_path, "no such object for attribute '" + name + "'");
  replaceAttribute(obj.get(), name);
  Handle space(H5Screate(H5S_SCALAR));
  Handle attr(H5Acreate2(obj.get(), name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT,
                         H5P_DEFAULT));
  if (!attr.ok() || H5Awrite(attr.get(), H5T_NATIVE_INT64, &value) < 0) {
    fail(object_path, "cannot write attribute '" + name + "'");
  }
}

void H5File::setAttribute(const std::string& object_path, const std::string& name, double value) {
  Handle obj(H5Oopen(id_, object_path.c_str(), H5P_DEFAULT));
  if (!obj.ok()) fail(object_path, "no such object for attribute '" + name + "'");
  replaceAttribute(obj.get(), name);
  Handle space(H5Screate(H5S_SCALAR));
  Handle attr(H5Acreate2(obj.get(), name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT,
                         H5P_DEFAULT));
  if (!attr.ok() || H5Awrite(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0) {
    fail(object_path, "cannot write attribute '" + name + "'");
  }
}

std::optional<std::string> H5File::stringAttribute(const std::string& object_path,
                                                   const std::string& name) const {
  if (!exists(object_path)) return std::nullopt;
  Handle obj(H5Oopen(id_, object_path.c_str(), H5P_DEFAULT));
  if (!obj.ok() || H5Aexists(obj.get(), name.c_str()) <= 0) return std::nullopt;
  Handle attr(H5Aopen(obj.get(), name.c_str(), H5P_DEFAULT));
  Handle type(H5Aget_type(attr.get()));
  if (H5Tget_class(type.get()) != H5T_STRING) {
    fail(object_path, "attribute '" + name + "' is not a string");
  }
  if (H5Tis_variable_str(type.get()) > 0) {
    char* buf = nullptr;
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    if (H5Aread(attr.get(), mem.get(), &buf) < 0) fail(object_path, "cannot read '" + name + "'");
    std::string s = buf ? buf : "";
    H5free_memory(buf);
    return s;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string s(size, '\0');
  if (H5Aread(attr.get(), type.get(), s.data()) < 0) {
    fail(object_path, "cannot read attribute '" + name + "'");
  }
  const auto nul = s.find('\0');
  if (nul != std::string::npos) s.resize(nul);
  return s;
}

std::optional<std::int64_t> H5File::intAttribute(const std::string& object_path,
                                                 const std::string& name) const {
  if (!exists(object_path)) return std::nullopt;
  Handle obj(H5Oopen(id_, object_path.c_str(), H5P_DEFAULT));
  if (!obj.ok() || H5Aexists(obj.get(), name.c_str()) <= 0) return std::nullopt;
  Handle attr(H5Aopen(obj.get(), name.c_str(), H5P_DEFAULT));
  Handle type(H5Aget_type(attr.get()));
  if (H5Tget_class(type.get()) != H5T_INTEGER) {
    fail(object_path, "attribute '" + name + "' is not an integer");
  }
  std::int64_t v = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_INT64, &v) < 0) {
    fail(object_path, "cannot read attribute '" + name + "'");
  }
  return v;
}

void H5File::writeNumeric(const std::string& path, const std::vector<std::int64_t>& shape,
                          std::int64_t mem_type, std::int64_t file_type, const void* data) {
  createGroup(parentOf(path));
  if (exists(path)) H5Ldelete(id_, path.c_str(), H5P_DEFAULT);
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  Handle ds(H5Dcreate2(id_, path.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT));
  if (!ds.ok()) fail(path, "cannot create dataset");
  hsize_t count = 1;
  for (auto d : dims) count *= d;
  if (count > 0 && H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail(path, "cannot write dataset");
  }
}

void H5File::writeFloat32(const std::string& path, const std::vector<std::int64_t>& shape,
                          const float* data) {
  writeNumeric(path, shape, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, data);
}

void H5File::writeFloat64(const std::string& path, const std::vector<std::int64_t>& shape,
                          const double* data) {
  writeNumeric(path, shape, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, data);
}

void H5File::writeInt64(const std::string& path, const std::vector<std::int64_t>& shape,
                        const std::int64_t* data) {
  writeNumeric(path, shape, H5T_NATIVE_INT64, H5T_STD_I64LE, data);
}

std::vector<std::int64_t> H5File::shapeOf(const std::string& path) const {
  Handle ds(H5Dopen2(id_, path.c_str(), H5P_DEFAULT));
  if (!ds.ok()) fail(path, "no such dataset");
  Handle space(H5Dget_space(ds.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(path, "cannot read the dataset's shape");
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<std::int64_t>(dims.begin(), dims.end());
}

namespace {

template <typename T>
std::vector<T> readAs(hid_t file, const std::string& file_path, const std::string& path,
                      hid_t mem_type, std::size_t count) {
  Handle ds(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (!ds.ok()) throw StoreError(file_path + ": " + path + ": no such dataset");
  Handle type(H5Dget_type(ds.get()));
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
    throw StoreError(file_path + ": " + path + ": not a numeric dataset");
  }
  std::vector<T> out(count);
  if (count > 0 && H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
    throw StoreError(file_path + ": " + path + ": cannot read dataset (file truncated or damaged?)");
  }
  return out;
}

std::size_t elementCount(const std::vector<std::int64_t>& shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

}  // namespace

std::vector<float> H5File::readFloat32(const std::string& path) const {
  return readAs<float>(id_, path_, path, H5T_NATIVE_FLOAT, elementCount(shapeOf(path)));
}

H5Array H5File::readArray(const std::string& path) const {
  H5Array a;
  a.shape = shapeOf(path);
  a.values = readAs<double>(id_, path_, path, H5T_NATIVE_DOUBLE, elementCount(a.shape));
  return a;
}

void H5File::flush() {
  if (H5Fflush(id_, H5F_SCOPE_GLOBAL) < 0) throw StoreError(path_ + ": cannot flush to disk");
}

}  // namespace cimscope
