#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cimscope {

// A numeric array read back from HDF5: its shape and values converted to double.
struct H5Array {
  std::vector<std::int64_t> shape;
  std::vector<double> values;
};

// A thin RAII wrapper over the HDF5 C API (torch-free). Every failure throws StoreError naming the
// file and the object path. HDF5's own error printing is switched off; messages are ours.
class H5File {
 public:
  enum class Mode { kCreate, kRead, kReadWrite };

  H5File(const std::string& path, Mode mode);
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;
  H5File(H5File&& other) noexcept;

  const std::string& path() const { return path_; }
  std::int64_t id() const { return id_; }

  bool exists(const std::string& object_path) const;
  // Creates the group and any missing parents ("/a/b/c").
  void createGroup(const std::string& group_path);
  std::vector<std::string> children(const std::string& group_path) const;

  // Attributes on any object ("/" is the file root).
  void setAttribute(const std::string& object_path, const std::string& name,
                    const std::string& value);
  void setAttribute(const std::string& object_path, const std::string& name, std::int64_t value);
  void setAttribute(const std::string& object_path, const std::string& name, double value);
  std::optional<std::string> stringAttribute(const std::string& object_path,
                                             const std::string& name) const;
  std::optional<std::int64_t> intAttribute(const std::string& object_path,
                                           const std::string& name) const;

  // Datasets of float32, float64 or int64 with the given shape (row-major). Parents are created.
  void writeFloat32(const std::string& path, const std::vector<std::int64_t>& shape,
                    const float* data);
  void writeFloat64(const std::string& path, const std::vector<std::int64_t>& shape,
                    const double* data);
  void writeInt64(const std::string& path, const std::vector<std::int64_t>& shape,
                  const std::int64_t* data);
  std::vector<std::int64_t> shapeOf(const std::string& path) const;
  // Reads any numeric dataset, converted by HDF5 to float32 / float64.
  std::vector<float> readFloat32(const std::string& path) const;
  H5Array readArray(const std::string& path) const;

  void flush();

 private:
  void writeNumeric(const std::string& path, const std::vector<std::int64_t>& shape,
                    std::int64_t mem_type, std::int64_t file_type, const void* data);
  [[noreturn]] void fail(const std::string& object_path, const std::string& what) const;

  std::string path_;
  std::int64_t id_ = -1;
};

}  // namespace cimscope
