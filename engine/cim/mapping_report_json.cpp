#include "engine/cim/mapping_report_json.h"

#include <nlohmann/json.hpp>

#include "engine/cim/macro_spec_json.h"

namespace cimscope {

nlohmann::json mappingReportToJson(const MappingReport& r, const NetworkShape& net,
                                   const MacroSpec& macro) {
  using nlohmann::json;
  json groups = json::array();
  for (const auto& g : net.width_groups) {
    json names = json::array();
    for (int i : g.layers) names.push_back(net.layers[i].name);
    groups.push_back({{"name", g.name}, {"width", g.width}, {"layers", names}});
  }
  json network = {
      {"model", net.model},     {"input", {net.in_channels, net.in_height, net.in_width}},
      {"classes", net.classes}, {"widths", net.widths()},
      {"width_groups", groups}, {"params", net.params},
      {"weights", net.weights}};

  json layers = json::array();
  for (const auto& l : r.layers) {
    layers.push_back({{"name", l.name},
                      {"kind", toString(l.kind)},
                      {"kh", l.kh},
                      {"kw", l.kw},
                      {"cin", l.cin},
                      {"cout", l.cout},
                      {"out_h", l.out_h},
                      {"out_w", l.out_w},
                      {"rows_needed", l.rows_needed},
                      {"cols_needed", l.cols_needed},
                      {"row_tiles", l.row_tiles},
                      {"col_tiles", l.col_tiles},
                      {"tiles", l.tiles},
                      {"utilization", l.utilization},
                      {"psum_groups", l.psum_groups},
                      {"adc_conversions", l.adc_conversions},
                      {"compute_cycles", l.compute_cycles},
                      {"weight_load_cycles", l.weight_load_cycles}});
  }

  json macros = json::array();
  for (const auto& o : r.macros) {
    json tiles = json::array();
    for (int k = o.first_tile; k < o.first_tile + o.tile_count; ++k) {
      const auto& t = r.tiles[k];
      tiles.push_back({{"layer", r.layers[t.layer].name},
                       {"row0", t.row0},
                       {"rows", t.rows},
                       {"col0", t.col0},
                       {"cols", t.cols}});
    }
    macros.push_back({{"index", o.index}, {"tiles", tiles}, {"used_cells", o.used_cells}});
  }

  const auto& t = r.total;
  json total = {{"tiles", t.tiles},
                {"macros", t.macros},
                {"utilization", t.utilization},
                {"params", t.params},
                {"weight_bits", t.weight_bits},
                {"compute_cycles", t.compute_cycles},
                {"weight_load_cycles_per_inference", t.weight_load_cycles_per_inference},
                {"initial_load_cycles", t.initial_load_cycles},
                {"latency_cycles", t.latency_cycles},
                {"energy_pj", t.energy_pj}};
  return json{{"macro", macroSpecToJson(macro)},
              {"network", network},
              {"layers", layers},
              {"macros", macros},
              {"total", total},
              {"warnings", r.warnings}};
}

}  // namespace cimscope
