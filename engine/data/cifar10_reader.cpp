#include "engine/data/cifar10_reader.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/common/errors.h"

namespace cimscope {
namespace fs = std::filesystem;

namespace {

// Size of `path` in bytes, checked to be a positive whole number of records; the problem as text
// otherwise.
std::string checkSize(const std::string& path, std::int64_t& records) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return path + ": missing";
  const auto size = static_cast<std::int64_t>(fs::file_size(path, ec));
  if (ec) return path + ": cannot read size: " + ec.message();
  if (size == 0 || size % Cifar10Reader::kRecordBytes != 0) {
    return path + ": size " + std::to_string(size) + " bytes is not a positive multiple of the " +
           std::to_string(Cifar10Reader::kRecordBytes) +
           "-byte record (1 label + 3072 pixels); truncated or not a CIFAR-10 binary batch";
  }
  records = size / Cifar10Reader::kRecordBytes;
  return "";
}

}  // namespace

std::vector<std::string> Cifar10Reader::trainFiles() {
  std::vector<std::string> files;
  for (int i = 1; i <= 5; ++i) files.push_back("data_batch_" + std::to_string(i) + ".bin");
  return files;
}

std::string Cifar10Reader::testFile() { return "test_batch.bin"; }

std::string Cifar10Reader::resolveDir(const std::string& dir) {
  std::error_code ec;
  if (fs::is_regular_file(dir + "/data_batch_1.bin", ec)) return dir;
  const std::string sub = dir + "/cifar-10-batches-bin";
  if (fs::is_regular_file(sub + "/data_batch_1.bin", ec)) return sub;
  return dir;
}

std::string Cifar10Reader::check(const std::string& dir, std::int64_t* train, std::int64_t* test) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return dir + ": no such folder";
  std::int64_t n_train = 0, n_test = 0, records = 0;
  for (const auto& f : trainFiles()) {
    const std::string why = checkSize(dir + "/" + f, records);
    if (!why.empty()) return why;
    n_train += records;
  }
  const std::string why = checkSize(dir + "/" + testFile(), records);
  if (!why.empty()) return why;
  n_test = records;
  if (train) *train = n_train;
  if (test) *test = n_test;
  return "";
}

void Cifar10Reader::appendFile(const std::string& path, ImageSet& set) {
  std::int64_t records = 0;
  const std::string why = checkSize(path, records);
  if (!why.empty()) throw DataError(why);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path + ": cannot open: " + std::strerror(errno));
  std::vector<std::uint8_t> raw(static_cast<std::size_t>(records * kRecordBytes));
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  if (in.gcount() != static_cast<std::streamsize>(raw.size())) {
    throw DataError(path + ": truncated: expected " + std::to_string(raw.size()) +
                    " bytes but read " + std::to_string(in.gcount()));
  }
  set.channels = kChannels;
  set.height = kSide;
  set.width = kSide;
  const std::size_t pix = kRecordBytes - 1;
  set.pixels.reserve(set.pixels.size() + records * pix);
  set.labels.reserve(set.labels.size() + records);
  for (std::int64_t r = 0; r < records; ++r) {
    const std::uint8_t* rec = raw.data() + r * kRecordBytes;
    if (rec[0] > 9) {
      throw DataError(path + ": record " + std::to_string(r) + " has label " +
                      std::to_string(rec[0]) +
                      " (expected 0..9); not a CIFAR-10 binary batch (CIFAR-100 has 2 label "
                      "bytes per record)");
    }
    set.labels.push_back(rec[0]);
    set.pixels.insert(set.pixels.end(), rec + 1, rec + kRecordBytes);
  }
}

ImageSet Cifar10Reader::readTrain(const std::string& dir) {
  ImageSet set;
  for (const auto& f : trainFiles()) appendFile(dir + "/" + f, set);
  return set;
}

ImageSet Cifar10Reader::readTest(const std::string& dir) {
  ImageSet set;
  appendFile(dir + "/" + testFile(), set);
  return set;
}

}  // namespace cimscope
