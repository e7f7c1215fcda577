#include "app/cli/cli_common.h"

#include <csignal>
#include <cstdlib>

#include "engine/common/errors.h"

namespace cimscope::cli {

const std::set<std::string> kDataOptions = {"dataset", "data-dir", "subset-train", "subset-test"};

const std::set<std::string> kDistillOptions = {"teacher", "distill-weight",
                                               "distill-temperature"};

DistillConfig distillConfigFrom(const CliArgs& args) {
  DistillConfig d;
  d.teacher = args.getOr("teacher", "");
  if (d.teacher.empty() && (args.has("distill-weight") || args.has("distill-temperature"))) {
    throw ConfigError("--distill-weight and --distill-temperature need --teacher FILE.h5");
  }
  d.weight = args.getDouble("distill-weight", d.weight, 1e-6, 1);
  d.temperature = args.getDouble("distill-temperature", d.temperature, 1e-3, 100);
  return d;
}

DatasetConfig datasetConfigFrom(const CliArgs& args, const std::string& fallback_name) {
  DatasetConfig c;
  c.name = args.getOr("dataset", fallback_name.empty() ? "fashion-mnist" : fallback_name);
  c.data_dir = args.getOr("data-dir", "");
  c.subset_train = args.getInt("subset-train", 0, 0, 100000000);
  c.subset_test = args.getInt("subset-test", 0, 0, 100000000);
  c.seed = static_cast<std::uint64_t>(args.getInt("seed", 1, 0, 1LL << 62));
  c.validate();
  return c;
}

std::vector<int> parseIntList(const std::string& option, const std::string& text) {
  std::vector<int> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = text.find(',', pos);
    const std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos
                                                                          : comma - pos);
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < 1 || v > 1000000) {
      throw ConfigError("--" + option + ": '" + item +
                        "' is not a positive integer (expected a comma-separated list like 16,32,64)");
    }
    out.push_back(static_cast<int>(v));
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) {
  if (g_interrupted.exchange(true)) std::_Exit(130);
}
}  // namespace

const std::atomic<bool>& installInterruptHandler() {
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  return g_interrupted;
}

}  // namespace cimscope::cli
