#include "app/cli/macro_options.h"

#include <climits>

#include "engine/cim/macro_preset_catalog.h"

namespace cimscope::cli {

const std::set<std::string> kMacroOptions = {
    "macro",     "rows",     "cols",     "active-wl", "cell-bits", "weight-bits",
    "input-bits", "dac-bits", "adc-bits", "adcs",      "macros-on-chip", "bus-bits",
    "row-split", "slice-combine", "packing"};

MacroSpec macroFrom(const CliArgs& args) {
  MacroSpec m = loadMacroPreset(args.getOr("macro", "reference-256"));
  auto setInt = [&](const char* option, int& field) {
    field = static_cast<int>(args.getInt(option, field, INT_MIN, INT_MAX));
  };
  setInt("rows", m.rows);
  setInt("cols", m.cols);
  if (!args.has("active-wl") && m.active_wordlines > m.rows) m.active_wordlines = m.rows;
  if (!args.has("adcs") && m.adcs > m.cols) m.adcs = m.cols;
  setInt("active-wl", m.active_wordlines);
  setInt("cell-bits", m.cell_bits);
  setInt("weight-bits", m.weight_bits);
  setInt("input-bits", m.input_bits);
  setInt("dac-bits", m.dac_bits);
  setInt("adc-bits", m.adc_bits);
  setInt("adcs", m.adcs);
  setInt("macros-on-chip", m.macros_on_chip);
  setInt("bus-bits", m.bus_bits);
  if (auto v = args.get("row-split")) m.row_split = parseRowSplit(*v, "row_split (--row-split)");
  if (auto v = args.get("slice-combine")) {
    m.slice_combine = parseSliceCombine(*v, "slice_combine (--slice-combine)");
  }
  if (auto v = args.get("packing")) m.packing = parsePacking(*v, "packing (--packing)");
  m.validate();
  return m;
}

}  // namespace cimscope::cli
