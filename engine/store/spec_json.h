#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "engine/nn/spec/network_spec.h"

namespace cimscope {

// NetworkSpec <-> JSON: {"model":"resnet20","input":[1,28,28],"classes":10,"widths":[...]}.
nlohmann::json networkSpecToJson(const NetworkSpec& spec);
// Throws ConfigError naming `where` (a file or field) and the key for unknown keys, wrong types
// and out-of-range values.
NetworkSpec networkSpecFromJson(const nlohmann::json& j, const std::string& where);
// A checkpoint's network_spec attribute (JSON text); StoreError naming `path` if it is not
// valid JSON or not a valid spec.
NetworkSpec networkSpecFromCheckpointText(const std::string& text, const std::string& path);

}  // namespace cimscope
