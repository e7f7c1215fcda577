#pragma once

#include <string>

#include "engine/cim/macro_spec.h"

namespace cimscope {

// One preset file as listMacroPresets() finds it (the GUI's preset picker shows these).
struct MacroPreset {
  std::string name;    // file stem: "reference-256"
  std::string path;    // the file it was read from
  bool valid = false;  // false: `error` says why the file could not be used
  std::string error;   // the ConfigError message, "" when valid
  MacroSpec spec;      // the preset's values (defaults when !valid)
};

}  // namespace cimscope
