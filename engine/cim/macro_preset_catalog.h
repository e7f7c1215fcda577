#pragma once

#include <string>
#include <vector>

#include "engine/cim/macro_preset.h"
#include "engine/cim/macro_spec.h"

namespace cimscope {

// Folders searched for macro presets, first match wins (existing folders only):
//   1. $CIMSCOPE_RESOURCES_DIR/macros
//   2. <executable dir>/../share/cimscope/macros   (installed layout)
//   3. the source tree's resources/macros          (running from a build folder)
std::vector<std::string> macroPresetDirs();

// Every *.json in those folders, sorted by name; a name found twice is taken from the first
// folder. Malformed files are listed with valid = false and the reason, never thrown.
std::vector<MacroPreset> listMacroPresets();

// A preset name ("reference-256") looked up in macroPresetDirs(), or a path to a JSON file (any
// argument containing '/' or ending in ".json"). Throws ConfigError for an unknown name (listing
// the known ones) or a bad file (naming file and key).
MacroSpec loadMacroPreset(const std::string& name_or_path);

}  // namespace cimscope
