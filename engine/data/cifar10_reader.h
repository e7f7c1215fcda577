#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/dataset.h"

namespace cimscope {

// Reads the CIFAR-10 binary version (cifar-10-binary.tar.gz from the authors' site): files
// data_batch_1.bin .. data_batch_5.bin (training) and test_batch.bin, each a sequence of 3073-byte
// records: 1 label byte (0..9), then 3072 pixel bytes, 1024 red, 1024 green, 1024 blue, each
// 32 x 32 row-major (already channel-height-width). The official files hold 10,000 records each;
// any positive number of whole records is accepted.
class Cifar10Reader {
 public:
  static constexpr int kSide = 32;
  static constexpr int kChannels = 3;
  static constexpr std::int64_t kRecordBytes = 1 + kChannels * kSide * kSide;  // 3073

  static std::vector<std::string> trainFiles();  // data_batch_1.bin .. data_batch_5.bin
  static std::string testFile();                 // test_batch.bin

  // The folder that holds the batches: `dir` itself or its cifar-10-batches-bin/ subfolder (the
  // tarball unpacks to that). Returns `dir` when neither has data_batch_1.bin.
  static std::string resolveDir(const std::string& dir);
  // "" when every file is there with a size that is a whole number of records; otherwise the
  // reason (first problem found). Stats files only; counts go to `train`/`test` when non-null.
  static std::string check(const std::string& dir, std::int64_t* train = nullptr,
                           std::int64_t* test = nullptr);

  // Records of one file appended to `set` (which must be 3 x 32 x 32 or empty).
  static void appendFile(const std::string& path, ImageSet& set);
  static ImageSet readTrain(const std::string& dir);
  static ImageSet readTest(const std::string& dir);
};

}  // namespace cimscope
