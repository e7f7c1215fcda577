#pragma once

// Small data files the data tests write for themselves. Header-only: tests/CMakeLists.txt
// compiles *_test.cpp files of this folder only.

#include <cstdint>
#include <string>
#include <vector>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "engine/data/dataset.h"
#include "tests/engine/test_util.h"

namespace cimscope::test {

// IDX bytes: big-endian magic, dims, then `data`.
inline std::vector<std::uint8_t> idxBytes(std::uint32_t magic,
                                          const std::vector<std::uint32_t>& dims,
                                          const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> out;
  auto put = [&out](std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
  };
  put(magic);
  for (auto d : dims) put(d);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// n images of rows x cols with pixel (i, k) = (i * 7 + k) % 256, labels i % classes.
inline ImageSet patternSet(int n, int rows, int cols, int classes = 10) {
  ImageSet s;
  s.channels = 1;
  s.height = rows;
  s.width = cols;
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < rows * cols; ++k)
      s.pixels.push_back(static_cast<std::uint8_t>((i * 7 + k) % 256));
    s.labels.push_back(static_cast<std::uint8_t>(i % classes));
  }
  return s;
}

// Writes <dir>/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz].
inline void writeIdxFolder(const std::string& dir, const ImageSet& train, const ImageSet& test,
                           bool gz) {
  const std::string ext = gz ? ".gz" : "";
  auto write = [gz](const std::string& path, const std::vector<std::uint8_t>& bytes) {
    if (gz) {
      writeGzip(path, bytes);
    } else {
      writeBytes(path, bytes);
    }
  };
  for (auto [prefix, set] :
       {std::pair<const char*, const ImageSet*>{"train", &train}, {"t10k", &test}}) {
    write(
        dir + "/" + prefix + "-images-idx3-ubyte" + ext,
        idxBytes(0x803,
                 {static_cast<std::uint32_t>(set->size()), static_cast<std::uint32_t>(set->height),
                  static_cast<std::uint32_t>(set->width)},
                 set->pixels));
    write(dir + "/" + prefix + "-labels-idx1-ubyte" + ext,
          idxBytes(0x801, {static_cast<std::uint32_t>(set->size())}, set->labels));
  }
}

// A fake npm package: <dir>/src/digits/d.json with `per_digit[d]` samples each, pixel values
// v = ((d * 31 + s * 7 + k) % 11) / 10.0, so round(v * 255) is known.
inline void writeMnistPackage(const std::string& dir, const std::vector<int>& per_digit) {
  std::filesystem::create_directories(dir + "/src/digits");
  for (int d = 0; d < 10; ++d) {
    std::ofstream out(dir + "/src/digits/" + std::to_string(d) + ".json");
    out << "{ \"data\": [";
    bool first = true;
    for (int s = 0; s < per_digit[d]; ++s) {
      for (int k = 0; k < 784; ++k) {
        const int q = (d * 31 + s * 7 + k) % 11;
        out << (first ? "" : ",");
        first = false;
        if (q == 0) {
          out << 0;
        } else if (q == 10) {
          out << 1;
        } else {
          out << q / 10.0;
        }
      }
    }
    out << "] }\n";
    if (!out) throw std::runtime_error("cannot write the MNIST fixture");
  }
}

// A CIFAR-10 binary batch of n records, label (first_label + r) % 10, pixel (r, k) = (r + k) % 256.
inline std::vector<std::uint8_t> cifarBatch(int n, int first_label = 0) {
  std::vector<std::uint8_t> out;
  for (int r = 0; r < n; ++r) {
    out.push_back(static_cast<std::uint8_t>((first_label + r) % 10));
    for (int k = 0; k < 3072; ++k) out.push_back(static_cast<std::uint8_t>((r + k) % 256));
  }
  return out;
}

// Expects `stmt` to throw E with a message containing every one of the given strings.
#define EXPECT_THROW_WITH(stmt, E, ...)                                       \
  do {                                                                        \
    try {                                                                     \
      stmt;                                                                   \
      ADD_FAILURE() << "expected " #E " from: " #stmt;                        \
    } catch (const E& e) {                                                    \
      const std::string msg = e.what();                                       \
      for (const std::string& part : std::vector<std::string>{__VA_ARGS__}) { \
        EXPECT_NE(msg.find(part), std::string::npos)                          \
            << "message \"" << msg << "\" lacks \"" << part << "\"";          \
      }                                                                       \
    }                                                                         \
  } while (0)

}  // namespace cimscope::test
