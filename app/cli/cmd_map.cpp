// `cimscope-cli map`: map a network onto CIM macros and print the per-layer costs.
#include <cinttypes>
#include <climits>
#include <cstdarg>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/cli_args.h"
#include "app/cli/commands.h"
#include "app/cli/macro_options.h"
#include "engine/cim/mapping_report_json.h"
#include "engine/cim/network_mapper.h"
#include "engine/common/errors.h"
#include "engine/nn/spec/network_templates.h"

namespace cimscope::cli {

const char* const kMapUsage =
    "Usage: cimscope-cli map --model NAME [--input CxHxW] [--classes N] [--widths a,b,...]\n"
    "         [--macro PRESET|FILE] [--rows N] [--cols N] [--active-wl N] [--cell-bits N]\n"
    "         [--weight-bits N] [--input-bits N] [--dac-bits N] [--adc-bits N] [--adcs N]\n"
    "         [--macros-on-chip N] [--bus-bits N] [--row-split channel|consecutive]\n"
    "         [--slice-combine analog|digital] [--packing dedicated|packed] [--json]\n\n"
    "Maps every conv and linear layer of a network onto CIM macros and prints, per layer, the\n"
    "tiles, utilization, partial-sum groups, ADC conversions, compute and weight-load cycles,\n"
    "then the network totals (latency, energy). Formulas: docs/macro-model.md.\n\n"
    "  --model NAME        lenet5, vgg8 or resnet20\n"
    "  --input CxHxW       input shape (default 1x28x28)\n"
    "  --classes N         output classes (default 10)\n"
    "  --widths a,b,...    channels per width group, in network order (see --json \"network\")\n"
    CIMSCOPE_MACRO_OPTIONS_HELP
    "  --json              print one JSON object instead of the table (docs/cli.md)\n";

namespace {

std::vector<int> parseIntList(const std::string& option, const std::string& text, char sep) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, sep)) {
    char* end = nullptr;
    const long v = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || v < INT_MIN || v > INT_MAX) {
      throw ConfigError("--" + option + ": '" + text +
                        "' is not a list of integers separated by '" + std::string(1, sep) + "'");
    }
    out.push_back(static_cast<int>(v));
  }
  if (out.empty() || text.back() == sep) {
    throw ConfigError("--" + option + ": '" + text + "' is not a list of integers separated by '" +
                      std::string(1, sep) + "'");
  }
  return out;
}

NetworkSpec networkFrom(const CliArgs& args) {
  NetworkSpec s;
  s.model = args.require("model");
  const std::string input = args.getOr("input", "1x28x28");
  std::vector<int> shape;
  try {
    shape = parseIntList("input", input, 'x');
  } catch (const ConfigError&) {
  }
  if (shape.size() != 3) {
    throw ConfigError("--input: '" + input + "' is not CxHxW (for example 1x28x28 or 3x32x32)");
  }
  s.in_channels = shape[0];
  s.in_height = shape[1];
  s.in_width = shape[2];
  s.classes = static_cast<int>(args.getInt("classes", 10, INT_MIN, INT_MAX));
  if (auto w = args.get("widths")) s.widths = parseIntList("widths", *w, ',');
  return s;
}

// 1234567 -> "1,234,567".
std::string grouped(std::int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char* format, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, format);
  std::vsnprintf(buf, sizeof buf, format, ap);
  va_end(ap);
  return buf;
}

void printHuman(const NetworkShape& net, const MacroSpec& m, const MappingReport& r) {
  std::ostream& out = std::cout;
  std::string widths;
  for (int w : net.widths()) widths += (widths.empty() ? "" : ",") + std::to_string(w);
  out << "network  " << net.model << ", input " << net.in_channels << "x" << net.in_height << "x"
      << net.in_width << ", " << net.classes << " classes, " << grouped(net.params)
      << " params, widths " << widths << "\n";
  out << "macro    " << m.name << ": " << m.rows << " x " << m.cols << " cells of " << m.cell_bits
      << " bit, " << m.active_wordlines << " active wordlines, " << m.weight_bits
      << "-bit weights (" << m.columnsPerWeight() << " columns, " << toString(m.signed_mapping)
      << "), " << m.input_bits << "-bit inputs by " << m.dac_bits << "-bit DACs, " << m.adcs
      << " ADCs of " << m.adc_bits << " bits (" << toString(m.slice_combine) << " slices)\n";
  out << "chip     " << m.macros_on_chip << " macros, " << m.bus_bits << "-bit weight bus, "
      << m.clock_mhz << " MHz, row split " << toString(m.row_split) << ", packing "
      << toString(m.packing) << "\n\n";

  std::size_t name_w = 5;
  for (const auto& l : r.layers) name_w = std::max(name_w, l.name.size());
  const int nw = static_cast<int>(name_w);
  out << fmt("%-*s %-6s %6s %5s %5s %7s %6s %6s %9s %6s %5s %12s %11s %9s\n", nw, "layer", "kind",
             "kernel", "cin", "cout", "out", "rows", "cols", "tiles", "util", "psum", "adc_conv",
             "compute", "load");
  for (const auto& l : r.layers) {
    const std::string kernel = std::to_string(l.kh) + "x" + std::to_string(l.kw);
    const std::string outhw = std::to_string(l.out_h) + "x" + std::to_string(l.out_w);
    const std::string tiles = std::to_string(l.row_tiles) + "x" + std::to_string(l.col_tiles) +
                              "=" + std::to_string(l.tiles);
    out << fmt("%-*s %-6s %6s %5d %5d %7s %6" PRId64 " %6" PRId64
               " %9s %5.1f%% %5d %12s %11s %9s\n",
               nw, l.name.c_str(), toString(l.kind), kernel.c_str(), l.cin, l.cout, outhw.c_str(),
               l.rows_needed, l.cols_needed, tiles.c_str(), 100.0 * l.utilization, l.psum_groups,
               grouped(l.adc_conversions).c_str(), grouped(l.compute_cycles).c_str(),
               grouped(l.weight_load_cycles).c_str());
  }
  const auto& t = r.total;
  out << "\ntotal    " << grouped(t.tiles) << " tiles on " << grouped(t.macros) << " macros ("
      << (t.fits_on_chip ? "fits the " : "more than the ") << m.macros_on_chip
      << " on chip), utilization " << fmt("%.1f", 100.0 * t.utilization) << " %, "
      << grouped(t.weights) << " weights = " << grouped(t.weight_bits) << " bits\n";
  out << "cycles   compute " << grouped(t.compute_cycles) << " + weight load per inference "
      << grouped(t.weight_load_cycles_per_inference) << " = latency " << grouped(t.latency_cycles)
      << fmt(" (%.1f us at %g MHz)", t.latency_us, m.clock_mhz) << "; initial load "
      << grouped(t.initial_load_cycles) << "\n";
  out << "energy   " << fmt("%.1f", t.energy_pj / 1000.0) << " nJ per inference (ADC "
      << fmt("%.1f", t.adc_energy_pj / 1000.0) << ", MAC " << fmt("%.1f", t.mac_energy_pj / 1000.0)
      << ", weight writes " << fmt("%.1f", t.write_energy_pj / 1000.0) << "; "
      << grouped(t.adc_conversions) << " conversions; see the preset's notes for which energies "
      << "are illustrative)\n";
  for (const auto& w : r.warnings) out << "warning: " << w << "\n";
}

}  // namespace

int runMap(const std::vector<std::string>& argv) {
  std::set<std::string> values = {"model", "input", "classes", "widths"};
  values.insert(kMacroOptions.begin(), kMacroOptions.end());
  const CliArgs args(argv, values, {"json"});
  const NetworkSpec spec = networkFrom(args);
  const MacroSpec macro = macroFrom(args);
  const NetworkShape net = buildNetworkShape(spec);
  const MappingReport report = mapNetwork(net, macro);
  // Everything is computed before anything is printed, so an error leaves stdout empty.
  if (args.has("json")) {
    std::cout << mappingReportToJson(report, net, macro).dump(2) << "\n";
  } else {
    printHuman(net, macro, report);
  }
  return 0;
}

}  // namespace cimscope::cli
