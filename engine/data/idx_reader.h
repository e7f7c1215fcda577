#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/dataset.h"

namespace cimscope {

// Header of an IDX file (the MNIST format): 4-byte big-endian magic 0x0000TTDD (TT = element
// type, DD = number of dimensions), then DD big-endian 32-bit sizes, then the elements.
struct IdxHeader {
  std::uint32_t magic = 0;
  std::vector<std::uint32_t> dims;

  std::uint64_t elements() const;  // product of dims
  std::uint64_t headerBytes() const { return 4 + 4 * dims.size(); }
};

// 8-bit images as an IDX image file holds them (N x rows x cols), before labels are attached.
struct IdxImages {
  std::int64_t count = 0;
  int rows = 0;
  int cols = 0;
  std::vector<std::uint8_t> pixels;  // count * rows * cols
};

// Reads IDX files, plain or gzip-compressed (zlib's gz* API reads both transparently, so the
// file name's ".gz" does not matter). Only unsigned-byte files are accepted: 0x00000801 labels
// (one dimension) and 0x00000803 images (three dimensions). Every problem is a DataError whose
// message starts with the file's path and says what is wrong, e.g.
//   /x/train-images-idx3-ubyte.gz: truncated: header says 60000 images of 28x28 (47040000 bytes)
//   but the file holds 1234
class IdxReader {
 public:
  static constexpr std::uint32_t kLabelMagic = 0x00000801;
  static constexpr std::uint32_t kImageMagic = 0x00000803;
  static constexpr std::uint32_t kMaxSide = 4096;  // rows, cols above this are "corrupt"

  // Reads the magic and dimensions only (a few bytes; cheap even for a 47 MB gz file).
  // Checks the magic is a byte-typed IDX magic; the caller checks the kind it expects.
  static IdxHeader readHeader(const std::string& path);

  static IdxImages readImages(const std::string& path);
  static std::vector<std::uint8_t> readLabels(const std::string& path);

  // Images and labels as one single-channel ImageSet. Throws when the counts differ or when a
  // label is >= num_classes (0 = no check).
  static ImageSet readImageSet(const std::string& images_path, const std::string& labels_path,
                               int num_classes = 0);
};

}  // namespace cimscope
