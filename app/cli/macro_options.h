#pragma once

#include <set>
#include <string>

#include "app/cli/cli_args.h"
#include "engine/cim/macro_spec.h"

namespace cimscope::cli {

// The macro options every mapping command shares: --macro PRESET|FILE and one override per
// MacroSpec field (docs/cli.md "map").
extern const std::set<std::string> kMacroOptions;
#define CIMSCOPE_MACRO_OPTIONS_HELP                                                            \
  "  --macro P           preset name or JSON file (default reference-256); presets are\n"     \
  "                      searched in $CIMSCOPE_RESOURCES_DIR/macros, <exe>/../share/cimscope/\n" \
  "                      macros and the source tree's resources/macros\n"                     \
  "  --rows, --cols ...  override one macro field (names as in the preset JSON, '-' for '_',\n" \
  "                      --active-wl for active_wordlines). When --rows or --cols shrink the\n" \
  "                      array below the preset's active wordlines or ADCs, those follow\n"    \
  "                      unless given.\n"

// The preset (default reference-256) with the overrides applied, validated. ConfigError names
// the option.
MacroSpec macroFrom(const CliArgs& args);

}  // namespace cimscope::cli
