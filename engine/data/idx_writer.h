#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/dataset.h"

namespace cimscope {

// Writes IDX files (the format IdxReader reads): gzip-compressed when the path ends in ".gz",
// plain otherwise. Every write is atomic: the bytes go to a temporary file in the same folder,
// which is flushed to disk and then renamed over `path`, so a killed process never leaves a half
// file under the final name. Failures are DataErrors naming the file.
class IdxWriter {
 public:
  // Single-channel images only (IDX 0x00000803 is N x rows x cols).
  static void writeImages(const std::string& path, const ImageSet& set);
  static void writeLabels(const std::string& path, const std::vector<std::uint8_t>& labels);

  // Raw helper: `magic`, big-endian `dims`, then `data`, atomically.
  static void write(const std::string& path, std::uint32_t magic,
                    const std::vector<std::uint32_t>& dims, const std::uint8_t* data,
                    std::uint64_t bytes);
};

}  // namespace cimscope
