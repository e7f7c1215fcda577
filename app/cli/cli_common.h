#pragma once

#include <atomic>
#include <set>
#include <string>
#include <vector>

#include "app/cli/cli_args.h"
#include "engine/adapt/distill_config.h"
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

// The distillation options (qat, and morph's fine-tune).
extern const std::set<std::string> kDistillOptions;  // teacher, distill-weight, distill-temperature
#define CIMSCOPE_DISTILL_OPTIONS_HELP                                                         \
  "  --teacher FILE.h5    distil from this checkpoint (usually the float baseline): loss =\n"   \
  "                       (1 - w) cross-entropy + w T^2 KL(teacher || student) at temperature T\n" \
  "  --distill-weight W   w, 0 < w <= 1, default 0.5 (with --teacher)\n"                      \
  "  --distill-temperature T  T, default 4 (with --teacher)\n"

// A DistillConfig from kDistillOptions; ConfigError when a weight or temperature comes without
// --teacher.
DistillConfig distillConfigFrom(const CliArgs& args);

// "16,32,64" -> {16, 32, 64}; ConfigError naming --widths otherwise.
std::vector<int> parseIntList(const std::string& option, const std::string& text);

// Ctrl-C sets the token (once; a second Ctrl-C ends the program at once).
const std::atomic<bool>& installInterruptHandler();

}  // namespace cimscope::cli
