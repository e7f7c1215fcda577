#include "engine/data/idx_writer.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "engine/common/errors.h"
#include "engine/data/idx_reader.h"

namespace cimscope {
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string tempNameFor(const std::string& path) {
  std::random_device rd;
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
}

void syncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

void writeAll(gzFile f, const std::string& tmp, const std::string& path, const std::uint8_t* data,
              std::uint64_t bytes) {
  std::uint64_t done = 0;
  while (done < bytes) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::uint64_t>(bytes - done, 1u << 26));
    if (gzwrite(f, data + done, chunk) != static_cast<int>(chunk)) {
      int code = 0;
      const char* msg = gzerror(f, &code);
      gzclose(f);
      std::remove(tmp.c_str());
      throw DataError(path + ": cannot write: " + (msg ? msg : "zlib error"));
    }
    done += chunk;
  }
}

}  // namespace

void IdxWriter::write(const std::string& path, std::uint32_t magic,
                      const std::vector<std::uint32_t>& dims, const std::uint8_t* data,
                      std::uint64_t bytes) {
  const std::string tmp = tempNameFor(path);
  // "wb6" gzip level 6; "wT" writes a plain file through the same API.
  const char* mode = endsWith(path, ".gz") ? "wb6" : "wbT";
  errno = 0;
  gzFile f = gzopen(tmp.c_str(), mode);
  if (!f) {
    throw DataError(path + ": cannot create " + tmp + ": " +
                    (errno ? std::strerror(errno) : "out of memory"));
  }
  std::vector<std::uint8_t> header;
  auto put32 = [&header](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) header.push_back(static_cast<std::uint8_t>(v >> s));
  };
  put32(magic);
  for (auto d : dims) put32(d);
  writeAll(f, tmp, path, header.data(), header.size());
  writeAll(f, tmp, path, data, bytes);
  if (gzclose(f) != Z_OK) {
    std::remove(tmp.c_str());
    throw DataError(path + ": cannot write (closing " + tmp + " failed; disk full?)");
  }
  syncFile(tmp);
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw DataError(path + ": cannot rename " + tmp + " into place: " + ec.message());
  }
}

void IdxWriter::writeImages(const std::string& path, const ImageSet& set) {
  if (set.channels != 1) {
    throw DataError(path + ": IDX image files hold one channel, the set has " +
                    std::to_string(set.channels));
  }
  write(path, IdxReader::kImageMagic,
        {static_cast<std::uint32_t>(set.size()), static_cast<std::uint32_t>(set.height),
         static_cast<std::uint32_t>(set.width)},
        set.pixels.data(), set.pixels.size());
}

void IdxWriter::writeLabels(const std::string& path, const std::vector<std::uint8_t>& labels) {
  write(path, IdxReader::kLabelMagic, {static_cast<std::uint32_t>(labels.size())}, labels.data(),
        labels.size());
}

}  // namespace cimscope
