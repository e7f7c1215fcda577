#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cimscope::test {

// A fresh, empty folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> readBytes(const std::string& path);
// gzip-compresses `bytes` into `path` (zlib's gz writer).
void writeGzip(const std::string& path, const std::vector<std::uint8_t>& bytes);

}  // namespace cimscope::test
