#include "engine/nn/spec/network_spec.h"

#include <algorithm>

#include "engine/common/errors.h"
#include "engine/nn/spec/network_templates.h"

namespace cimscope {
namespace {

constexpr int kMaxChannels = 4096;   // input channels
constexpr int kMaxPixels = 8192;     // input height / width
constexpr int kMaxClasses = 100000;  // output classes
constexpr int kMaxWidth = 65536;     // channels of one width group

void checkRange(const char* field, long long value, long long lo, long long hi) {
  if (value < lo || value > hi) {
    throw ConfigError("network " + std::string(field) + " = " + std::to_string(value) +
                      " is out of range (expected " + std::to_string(lo) + ".." +
                      std::to_string(hi) + ")");
  }
}

}  // namespace

void NetworkSpec::validate() const {
  const auto& names = networkTemplateNames();
  if (std::find(names.begin(), names.end(), model) == names.end()) {
    std::string list;
    for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
    throw ConfigError("network model '" + model + "' is unknown (expected one of: " + list + ")");
  }
  checkRange("in_channels", in_channels, 1, kMaxChannels);
  checkRange("in_height", in_height, 1, kMaxPixels);
  checkRange("in_width", in_width, 1, kMaxPixels);
  checkRange("classes", classes, 1, kMaxClasses);
  for (std::size_t i = 0; i < widths.size(); ++i) {
    if (widths[i] < 1 || widths[i] > kMaxWidth) {
      throw ConfigError("network widths[" + std::to_string(i) + "] = " + std::to_string(widths[i]) +
                        " is out of range (expected 1.." + std::to_string(kMaxWidth) + ")");
    }
  }
}

}  // namespace cimscope
