#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "engine/cim/macro_spec.h"

namespace cimscope {

// JSON form of MacroSpec: one key per field, named as the field; enums as their strings
// ("channel", "analog", ...). Used by the preset files (resources/macros/*.json), the CLI's
// --json output and stored run configs.
nlohmann::json macroSpecToJson(const MacroSpec& spec);

// Reads keys over `base` (missing keys keep base's value) and validates. `source` names the file
// or origin in errors. Throws ConfigError for an unknown key, a wrong type or an out-of-range
// value, naming the key and the source.
MacroSpec macroSpecFromJson(const nlohmann::json& j, const std::string& source,
                            const MacroSpec& base = MacroSpec{});

// File forms. readMacroSpec throws ConfigError if the file is missing or not JSON.
MacroSpec readMacroSpec(const std::string& path);
void writeMacroSpec(const std::string& path, const MacroSpec& spec);  // throws StoreError

}  // namespace cimscope
