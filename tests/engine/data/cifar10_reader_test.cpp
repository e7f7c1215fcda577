#include "engine/data/cifar10_reader.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "engine/common/errors.h"
#include "engine/data/dataset_catalog.h"
#include "tests/engine/data/data_fixtures.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

using test::TempDir;

void writeCifar(const std::string& dir, int per_batch, int test_records) {
  std::filesystem::create_directories(dir);
  for (int i = 1; i <= 5; ++i) {
    test::writeBytes(dir + "/data_batch_" + std::to_string(i) + ".bin",
                     test::cifarBatch(per_batch, i));
  }
  test::writeBytes(dir + "/test_batch.bin", test::cifarBatch(test_records));
}

DatasetConfig cifarConfig(const std::string& dir) {
  DatasetConfig c;
  c.name = "cifar10";
  c.locations.cifar10_dir = dir;
  return c;
}

TEST(Cifar10Reader, LoadsBatchesInChannelMajorOrder) {
  TempDir dir;
  writeCifar(dir.path(), 3, 2);
  const Dataset d = loadDataset(cifarConfig(dir.path()));
  EXPECT_EQ(d.name, "cifar10");
  EXPECT_EQ(d.train.size(), 15u);
  EXPECT_EQ(d.test.size(), 2u);
  EXPECT_EQ(d.train.channels, 3);
  EXPECT_EQ(d.train.height, 32);
  EXPECT_EQ(d.train.width, 32);
  EXPECT_EQ(d.classes(), 10);
  EXPECT_EQ(d.class_names.front(), "airplane");
  EXPECT_EQ(d.class_names.back(), "truck");
  EXPECT_TRUE(d.allows_horizontal_flip);
  // Sample 4 = record 1 of data_batch_2: label (2 + 1) % 10, pixel k = (1 + k) % 256.
  EXPECT_EQ(d.train.labels[4], 3);
  for (int k = 0; k < 3072; k += 97) EXPECT_EQ(d.train.image(4)[k], (1 + k) % 256) << k;
  // Green plane starts at 1024.
  EXPECT_EQ(d.test.image(1)[1024], (1 + 1024) % 256);

  const auto list = listDatasets(cifarConfig(dir.path()).locations);
  ASSERT_EQ(list[2].name, "cifar10");
  EXPECT_TRUE(list[2].available) << list[2].reason;
  EXPECT_EQ(list[2].train, 15);
  EXPECT_EQ(list[2].test, 2);
}

TEST(Cifar10Reader, FindsTheTarballSubfolderAndHonoursDataDir) {
  TempDir dir;
  writeCifar(dir.path() + "/cifar-10-batches-bin", 1, 1);
  DatasetConfig c = cifarConfig("");
  c.data_dir = dir.path();
  const Dataset d = loadDataset(c);
  EXPECT_EQ(d.train.size(), 5u);
  EXPECT_EQ(d.source, dir.path() + "/cifar-10-batches-bin");
}

TEST(Cifar10Reader, NotConfiguredIsListedWithAReason) {
  const auto list = listDatasets(cifarConfig("").locations);
  EXPECT_FALSE(list[2].available);
  EXPECT_NE(list[2].reason.find("not configured"), std::string::npos) << list[2].reason;
  EXPECT_NE(list[2].reason.find("CIMSCOPE_CIFAR10_DIR"), std::string::npos) << list[2].reason;
  EXPECT_THROW_WITH(loadDataset(cifarConfig("")), ConfigError, "dataset.data_dir",
                    "not configured");
}

TEST(Cifar10Reader, MissingAndTruncatedFiles) {
  TempDir dir;
  writeCifar(dir.path(), 2, 2);
  const std::string three = dir.file("data_batch_3.bin");
  std::vector<std::uint8_t> bytes = test::readBytes(three);
  bytes.resize(bytes.size() - 100);
  test::writeBytes(three, bytes);
  EXPECT_THROW_WITH(loadDataset(cifarConfig(dir.path())), DataError, three, "size 6046 bytes",
                    "not a positive multiple of the 3073-byte record");
  auto list = listDatasets(cifarConfig(dir.path()).locations);
  EXPECT_FALSE(list[2].available);
  EXPECT_NE(list[2].reason.find(three), std::string::npos) << list[2].reason;

  std::filesystem::remove(dir.file("test_batch.bin"));
  test::writeBytes(three, test::cifarBatch(2));
  EXPECT_THROW_WITH(loadDataset(cifarConfig(dir.path())), DataError, dir.file("test_batch.bin"),
                    "missing");
  list = listDatasets(cifarConfig(dir.path()).locations);
  EXPECT_NE(list[2].reason.find("test_batch.bin: missing"), std::string::npos) << list[2].reason;
  EXPECT_THROW_WITH(loadDataset(cifarConfig(dir.file("nowhere"))), DataError, "nowhere",
                    "no such folder");
}

TEST(Cifar10Reader, BadLabel) {
  TempDir dir;
  writeCifar(dir.path(), 2, 2);
  std::vector<std::uint8_t> bytes = test::cifarBatch(2);
  bytes[3073] = 42;
  test::writeBytes(dir.file("test_batch.bin"), bytes);
  EXPECT_THROW_WITH(loadDataset(cifarConfig(dir.path())), DataError, dir.file("test_batch.bin"),
                    "record 1 has label 42 (expected 0..9)");
}

}  // namespace
}  // namespace cimscope
