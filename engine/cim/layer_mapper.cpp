#include "engine/cim/layer_mapper.h"

#include <algorithm>

#include "engine/common/errors.h"

// Every formula here is derived in docs/macro-model.md ("Columns", "Rows", "Cycles", "Energy").

namespace cimscope {
namespace {

constexpr std::int64_t ceilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

}  // namespace

RowSplitCounts rowSplitOf(const LayerShape& l, const MacroSpec& m) {
  RowSplitCounts s;
  const int k = l.kh * l.kw;
  const int rows = static_cast<int>(l.rows());
  if (m.row_split == RowSplit::kChannel) {
    const int cin = l.cin / l.groups;
    s.ch_per_tile = m.rows / k;
    s.ch_per_group = m.active_wordlines / k;
    if (s.ch_per_tile == 0 || s.ch_per_group == 0) {
      const bool by_rows = s.ch_per_tile == 0;
      throw ConfigError("layer " + l.name + ": kernel " + std::to_string(l.kh) + " x " +
                        std::to_string(l.kw) + " needs " + std::to_string(k) + " rows, more than " +
                        (by_rows ? "rows R = " + std::to_string(m.rows)
                                 : "active_wordlines A = " + std::to_string(m.active_wordlines)) +
                        " (row_split channel never cuts a kernel; use row_split consecutive)");
    }
    s.rows_per_full_tile = s.ch_per_tile * k;
    s.rows_per_group = s.ch_per_group * k;
    s.row_tiles = static_cast<int>(ceilDiv(cin, s.ch_per_tile));
    const int last_ch = cin - (s.row_tiles - 1) * s.ch_per_tile;
    s.rows_last_tile = last_ch * k;
    s.groups_full_tile = static_cast<int>(ceilDiv(s.ch_per_tile, s.ch_per_group));
    s.groups_last_tile = static_cast<int>(ceilDiv(last_ch, s.ch_per_group));
  } else {
    s.rows_per_full_tile = m.rows;
    s.rows_per_group = m.active_wordlines;
    s.row_tiles = static_cast<int>(ceilDiv(rows, m.rows));
    s.rows_last_tile = rows - (s.row_tiles - 1) * m.rows;
    s.groups_full_tile = static_cast<int>(ceilDiv(m.rows, m.active_wordlines));
    s.groups_last_tile = static_cast<int>(ceilDiv(s.rows_last_tile, m.active_wordlines));
  }
  return s;
}

std::int64_t tileLoadCycles(int rows, int cols, const MacroSpec& m) {
  const std::int64_t bits = static_cast<std::int64_t>(rows) * cols * m.cell_bits;
  return std::max<std::int64_t>(rows, ceilDiv(bits, m.bus_bits));
}

LayerMapping mapLayer(const LayerShape& l, const MacroSpec& m) {
  LayerMapping r;
  r.name = l.name;
  r.kind = l.kind;
  r.kh = l.kh;
  r.kw = l.kw;
  r.cin = l.cin;
  r.cout = l.cout;
  r.groups = l.groups;
  r.out_h = l.out_h;
  r.out_w = l.out_w;

  // Columns: a weight's cpw slices stay in one tile.
  r.cpw = m.columnsPerWeight();
  r.rows_needed = l.rows();
  r.cols_needed = static_cast<std::int64_t>(l.cout) * r.cpw;
  r.weights_per_tile = m.cols / r.cpw;
  r.col_tiles = static_cast<int>(ceilDiv(l.cout, r.weights_per_tile));
  r.weights_last_tile = l.cout - (r.col_tiles - 1) * r.weights_per_tile;

  // Rows: tiles and wordline groups.
  const RowSplitCounts s = rowSplitOf(l, m);
  r.ch_per_tile = s.ch_per_tile;
  r.ch_per_group = s.ch_per_group;
  r.rows_per_full_tile = s.rows_per_full_tile;
  r.rows_last_tile = s.rows_last_tile;
  r.row_tiles = s.row_tiles;
  r.groups_full_tile = s.groups_full_tile;
  r.groups_last_tile = s.groups_last_tile;
  r.psum_groups = (s.row_tiles - 1) * s.groups_full_tile + s.groups_last_tile;

  r.tiles = r.row_tiles * r.col_tiles;
  r.used_cells = r.rows_needed * r.cols_needed;
  r.utilization = static_cast<double>(r.used_cells) /
                  (static_cast<double>(r.tiles) * m.rows * static_cast<double>(m.cols));

  // Conversions: one per weight (analog slice combine) or per bitline (digital), per wordline
  // group, input step and output pixel; the ADCs are multiplexed over a tile's columns.
  const int conv_per_weight = m.slice_combine == SliceCombine::kAnalog ? 1 : r.cpw;
  const int full_w = r.col_tiles > 1 ? r.weights_per_tile : r.weights_last_tile;
  r.input_steps = static_cast<int>(ceilDiv(m.input_bits, m.dac_bits));
  r.mux_steps =
      static_cast<int>(ceilDiv(static_cast<std::int64_t>(full_w) * conv_per_weight, m.adcs));
  const std::int64_t pixels = l.outPixels();
  const int max_groups = r.row_tiles > 1 ? s.groups_full_tile : s.groups_last_tile;
  r.tile_compute_cycles = pixels * max_groups * r.input_steps * r.mux_steps;
  r.waves = static_cast<int>(ceilDiv(r.tiles, m.macros_on_chip));
  r.compute_cycles = r.waves * r.tile_compute_cycles;
  r.adc_conversions = pixels * r.input_steps * r.psum_groups *
                      (static_cast<std::int64_t>(l.cout) * conv_per_weight);
  r.active_cells = pixels * r.input_steps * r.used_cells;

  // Weight loading: four tile sizes (full / last row tile x full / last column tile).
  const std::int64_t full_r = r.row_tiles - 1, full_c = r.col_tiles - 1;
  const int rf = s.rows_per_full_tile, rl = s.rows_last_tile;
  const int cf = r.weights_per_tile * r.cpw, cl = r.weights_last_tile * r.cpw;
  r.weight_load_cycles = full_r * full_c * tileLoadCycles(rf, cf, m) +
                         full_r * tileLoadCycles(rf, cl, m) + full_c * tileLoadCycles(rl, cf, m) +
                         tileLoadCycles(rl, cl, m);
  r.written_bits = r.used_cells * m.cell_bits;
  return r;
}

}  // namespace cimscope
