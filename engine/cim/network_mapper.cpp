#include "engine/cim/network_mapper.h"

#include <algorithm>
#include <numeric>

#include "engine/cim/layer_mapper.h"
#include "engine/cim/tile_packer.h"
#include "engine/nn/spec/network_templates.h"

namespace cimscope {
namespace {

// Appends every tile of layer `index`, row tile major.
void appendTiles(const LayerMapping& l, int index, std::vector<TilePlacement>& out) {
  const int cf = l.weights_per_tile * l.cpw;
  for (int i = 0; i < l.row_tiles; ++i) {
    const int rows = i + 1 < l.row_tiles ? l.rows_per_full_tile : l.rows_last_tile;
    for (int j = 0; j < l.col_tiles; ++j) {
      TilePlacement t;
      t.layer = index;
      t.row_tile = i;
      t.col_tile = j;
      t.layer_row0 = i * l.rows_per_full_tile;
      t.layer_col0 = j * cf;
      t.rows = rows;
      t.cols = j + 1 < l.col_tiles ? cf : l.weights_last_tile * l.cpw;
      out.push_back(t);
    }
  }
}

}  // namespace

MappingReport mapNetwork(const NetworkSpec& network, const MacroSpec& macro) {
  return mapNetwork(buildNetworkShape(network), macro);
}

MappingReport mapNetwork(const NetworkShape& net, const MacroSpec& m) {
  m.validate();
  MappingReport r;
  MappingTotals& t = r.total;
  r.layers.reserve(net.layers.size());
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    r.layers.push_back(mapLayer(net.layers[i], m));
    LayerMapping& l = r.layers.back();
    l.layer = static_cast<int>(i);
    t.tiles += l.tiles;
    t.used_cells += l.used_cells;
    t.compute_cycles += l.compute_cycles;
    t.adc_conversions += l.adc_conversions;
    t.active_cells += l.active_cells;
    t.weight_load_cycles += l.weight_load_cycles;
    t.weights += l.used_cells / l.cpw;
  }

  // Occupancy map.
  r.tiles.reserve(static_cast<std::size_t>(t.tiles));
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    appendTiles(r.layers[i], static_cast<int>(i), r.tiles);
  }
  const int macros = m.packing == Packing::kDedicated ? placeTilesDedicated(r.tiles)
                                                      : packTilesShelfFfd(r.tiles, m.rows, m.cols);
  if (m.packing == Packing::kPacked) {
    // Group by macro; within a macro keep placement position order (row, then column).
    std::stable_sort(r.tiles.begin(), r.tiles.end(),
                     [](const TilePlacement& a, const TilePlacement& b) {
                       if (a.macro != b.macro) return a.macro < b.macro;
                       if (a.row0 != b.row0) return a.row0 < b.row0;
                       return a.col0 < b.col0;
                     });
  }
  r.macros.resize(macros);
  const double cells_per_macro = static_cast<double>(m.rows) * m.cols;
  for (int i = 0; i < macros; ++i) r.macros[i].index = i;
  for (std::size_t k = 0; k < r.tiles.size(); ++k) {
    MacroOccupancy& o = r.macros[r.tiles[k].macro];
    if (o.tile_count == 0) o.first_tile = static_cast<int>(k);
    ++o.tile_count;
    o.used_cells += r.tiles[k].cells();
  }
  for (auto& o : r.macros) o.utilization = o.used_cells / cells_per_macro;

  // Totals (docs/macro-model.md "Network totals").
  t.macros = macros;
  t.fits_on_chip = macros <= m.macros_on_chip;
  t.utilization = macros > 0 ? t.used_cells / (macros * cells_per_macro) : 0.0;
  t.params = net.params;
  t.weight_bits = t.weights * m.weight_bits;
  const std::int64_t written_bits = t.used_cells * m.cell_bits;
  if (t.fits_on_chip) {
    t.initial_load_cycles = t.weight_load_cycles;
  } else {
    t.weight_load_cycles_per_inference = t.weight_load_cycles;
    t.written_bits_per_inference = written_bits;
    r.warnings.push_back("the network needs " + std::to_string(macros) +
                         " macros but the chip has " + std::to_string(m.macros_on_chip) +
                         ": every tile is reloaded each inference");
  }
  t.latency_cycles = t.compute_cycles + t.weight_load_cycles_per_inference;
  t.latency_us = t.latency_cycles / m.clock_mhz;
  t.adc_energy_pj = static_cast<double>(t.adc_conversions) * m.adcEnergyPj();
  t.mac_energy_pj = static_cast<double>(t.active_cells) * m.e_mac_pj;
  t.write_energy_pj = static_cast<double>(t.written_bits_per_inference) * m.e_write_pj;
  t.energy_pj = t.adc_energy_pj + t.mac_energy_pj + t.write_energy_pj;
  return r;
}

}  // namespace cimscope
