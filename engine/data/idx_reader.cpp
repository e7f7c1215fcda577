#include "engine/data/idx_reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>

#include "engine/common/errors.h"

namespace cimscope {
namespace {

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", v);
  return buf;
}

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

GzFile openGz(const std::string& path) {
  errno = 0;
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) {
    throw DataError(path + ": cannot open: " + (errno ? std::strerror(errno) : "out of memory"));
  }
  gzbuffer(f, 256 * 1024);
  return GzFile(f);
}

// Reads up to `n` bytes; returns how many came. A gzip stream that is corrupt (rather than
// merely short) is an error of its own.
std::uint64_t readSome(gzFile f, const std::string& path, std::uint8_t* out, std::uint64_t n) {
  std::uint64_t done = 0;
  while (done < n) {
    const std::uint64_t chunk = std::min<std::uint64_t>(n - done, 1u << 30);
    const int got = gzread(f, out + done, static_cast<unsigned>(chunk));
    if (got < 0) {
      int code = 0;
      const char* msg = gzerror(f, &code);
      throw DataError(path + ": corrupt gzip data after " + std::to_string(done) +
                      " bytes: " + (msg ? msg : "unknown zlib error"));
    }
    if (got == 0) break;
    done += static_cast<std::uint64_t>(got);
  }
  if (done < n) {
    int code = 0;
    const char* msg = gzerror(f, &code);
    // Z_BUF_ERROR: the compressed stream ended early; the byte count below says the rest.
    if (code != Z_OK && code != Z_BUF_ERROR) {
      throw DataError(path + ": read error: " + (msg ? msg : "unknown zlib error"));
    }
  }
  return done;
}

// Counts what is left in the file (to report how much a truncated file holds, or that a file
// has trailing bytes).
std::uint64_t countRest(gzFile f, const std::string& path) {
  std::vector<std::uint8_t> buf(64 * 1024);
  std::uint64_t total = 0;
  for (;;) {
    const std::uint64_t got = readSome(f, path, buf.data(), buf.size());
    total += got;
    if (got < buf.size()) return total;
  }
}

std::uint32_t bigEndian(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

IdxHeader readHeaderFrom(gzFile f, const std::string& path) {
  std::uint8_t raw[4 * 256];
  std::uint64_t got = readSome(f, path, raw, 4);
  if (got < 4) {
    throw DataError(path + ": truncated: " + std::to_string(got) +
                    " bytes, too short for an IDX header");
  }
  IdxHeader h;
  h.magic = bigEndian(raw);
  if ((h.magic >> 16) != 0) {
    throw DataError(path + ": not an IDX file: magic " + hex32(h.magic) +
                    " (expected 0x00000801 for labels or 0x00000803 for images)");
  }
  const std::uint32_t type = (h.magic >> 8) & 0xFF;
  const std::uint32_t ndims = h.magic & 0xFF;
  if (type != 0x08) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", type);
    throw DataError(path + ": IDX element type " + buf +
                    " is not supported (expected 0x08, unsigned byte)");
  }
  if (ndims == 0)
    throw DataError(path + ": IDX header has no dimensions (magic " + hex32(h.magic) + ")");
  got = readSome(f, path, raw, 4 * ndims);
  if (got < 4 * ndims) {
    throw DataError(path + ": truncated: header declares " + std::to_string(ndims) +
                    " dimensions but the file ends after " + std::to_string(4 + got) + " bytes");
  }
  for (std::uint32_t i = 0; i < ndims; ++i) h.dims.push_back(bigEndian(raw + 4 * i));
  return h;
}

void expectMagic(const IdxHeader& h, const std::string& path, std::uint32_t magic,
                 const char* what) {
  if (h.magic != magic) {
    throw DataError(path + ": wrong magic " + hex32(h.magic) + " (expected " + hex32(magic) +
                    ", an IDX " + what + " file)");
  }
}

void expectEnd(gzFile f, const std::string& path, std::uint64_t expected_bytes) {
  std::uint8_t probe;
  if (readSome(f, path, &probe, 1) == 1) {
    const std::uint64_t extra = 1 + countRest(f, path);
    throw DataError(path + ": corrupt: " + std::to_string(extra) + " bytes after the " +
                    std::to_string(expected_bytes) + " bytes the header declares");
  }
}

}  // namespace

std::uint64_t IdxHeader::elements() const {
  std::uint64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

IdxHeader IdxReader::readHeader(const std::string& path) {
  GzFile f = openGz(path);
  return readHeaderFrom(f.get(), path);
}

IdxImages IdxReader::readImages(const std::string& path) {
  GzFile f = openGz(path);
  const IdxHeader h = readHeaderFrom(f.get(), path);
  expectMagic(h, path, kImageMagic, "image (N x rows x cols, unsigned byte)");
  if (h.dims.size() != 3) {  // cannot happen with the magic above; kept for clarity
    throw DataError(path + ": image file must have 3 dimensions");
  }
  const std::uint32_t rows = h.dims[1], cols = h.dims[2];
  if (rows == 0 || cols == 0 || rows > kMaxSide || cols > kMaxSide) {
    throw DataError(path + ": corrupt header: image size " + std::to_string(rows) + "x" +
                    std::to_string(cols) + " (expected 1.." + std::to_string(kMaxSide) +
                    " per side)");
  }
  const std::uint64_t bytes = h.elements();
  std::ostringstream declared;
  declared << "header says " << h.dims[0] << " images of " << rows << "x" << cols << " (" << bytes
           << " bytes)";
  // Guard against absurd counts before allocating (a corrupt header must not exhaust memory).
  if (bytes > (std::uint64_t{1} << 34)) {
    throw DataError(path + ": corrupt header: " + declared.str() + ", more than 16 GiB");
  }
  IdxImages out;
  out.count = h.dims[0];
  out.rows = static_cast<int>(rows);
  out.cols = static_cast<int>(cols);
  out.pixels.resize(bytes);
  const std::uint64_t got = readSome(f.get(), path, out.pixels.data(), bytes);
  if (got < bytes) {
    throw DataError(path + ": truncated: " + declared.str() + " but the file holds " +
                    std::to_string(got));
  }
  expectEnd(f.get(), path, bytes);
  return out;
}

std::vector<std::uint8_t> IdxReader::readLabels(const std::string& path) {
  GzFile f = openGz(path);
  const IdxHeader h = readHeaderFrom(f.get(), path);
  expectMagic(h, path, kLabelMagic, "label (N, unsigned byte)");
  const std::uint64_t n = h.dims[0];
  if (n > (std::uint64_t{1} << 32))
    throw DataError(path + ": corrupt header: label count " + std::to_string(n));
  std::vector<std::uint8_t> labels(n);
  const std::uint64_t got = readSome(f.get(), path, labels.data(), n);
  if (got < n) {
    throw DataError(path + ": truncated: header says " + std::to_string(n) +
                    " labels but the file holds " + std::to_string(got));
  }
  expectEnd(f.get(), path, n);
  return labels;
}

ImageSet IdxReader::readImageSet(const std::string& images_path, const std::string& labels_path,
                                 int num_classes) {
  IdxImages images = readImages(images_path);
  std::vector<std::uint8_t> labels = readLabels(labels_path);
  if (static_cast<std::int64_t>(labels.size()) != images.count) {
    throw DataError(images_path + ": count mismatch: " + std::to_string(images.count) +
                    " images but " + labels_path + " holds " + std::to_string(labels.size()) +
                    " labels");
  }
  if (num_classes > 0) {
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] >= num_classes) {
        throw DataError(labels_path + ": label " + std::to_string(labels[i]) + " at index " +
                        std::to_string(i) + " is out of range (expected 0.." +
                        std::to_string(num_classes - 1) + ")");
      }
    }
  }
  ImageSet set;
  set.channels = 1;
  set.height = images.rows;
  set.width = images.cols;
  set.pixels = std::move(images.pixels);
  set.labels = std::move(labels);
  return set;
}

}  // namespace cimscope
