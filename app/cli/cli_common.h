#pragma once

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "app/cli/cli_args.h"
#include "engine/data/dataset_catalog.h"

namespace cimscope::cli {

// The data options every data-reading command shares.
extern const std::set<std::string> kDataOptions;  // dataset, data-dir, subset-train, subset-test
// Usage text for kDataOptions, for concatenation into a command's usage string.
#define CIMSCOPE_DATA_OPTIONS_HELP                                                   \
  "  --dataset NAME       fashion-mnist (default), mnist, cifar10 or synthetic\n"    \
  "  --data-dir DIR       read the data set from DIR instead of its usual place\n"   \
  "  --subset-train N     use N training samples (a seeded selection; 0 = all)\n"   \
  "  --subset-test N      use N test samples (0 = all)\n"

// A DatasetConfig from --dataset (or `fallback_name`), --data-dir, --subset-*, --seed.
DatasetConfig datasetConfigFrom(const CliArgs& args, const std::string& fallback_name);

// "16,32,64" -> {16, 32, 64}; ConfigError naming --widths otherwise.
std::vector<int> parseIntList(const std::string& option, const std::string& text);

// Ctrl-C sets the token (once; a second Ctrl-C ends the program at once).
const std::atomic<bool>& installInterruptHandler();

}  // namespace cimscope::cli
