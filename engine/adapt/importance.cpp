#include "engine/adapt/importance.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/common/errors.h"

namespace cimscope {

int rowsPerInputChannel(const NetworkShape& shape, int layer) {
  const LayerShape& l = shape.layers.at(static_cast<std::size_t>(layer));
  if (l.kind == LayerKind::kLinear && l.input_group >= 0) {
    const int w = shape.width_groups[static_cast<std::size_t>(l.input_group)].width;
    return w > 0 ? l.cin / w : 1;
  }
  return l.kh * l.kw;
}

ImportanceReport computeImportance(const NetworkShape& shape,
                                   const std::vector<std::vector<double>>& gamma,
                                   const MacroSpec& macro) {
  if (gamma.size() != shape.layers.size()) {
    throw ConfigError("importance: " + std::to_string(gamma.size()) + " gamma vectors for " +
                      std::to_string(shape.layers.size()) + " layers");
  }
  const std::int64_t cpw = macro.columnsPerWeight();
  const double macro_cells = static_cast<double>(macro.rows) * macro.cols;
  // Cells one channel of group g costs in the layers that read it (rows x their columns).
  std::vector<std::int64_t> reader_cells(shape.width_groups.size(), 0);
  std::vector<std::int64_t> reader_rows(shape.width_groups.size(), 0);
  for (std::size_t i = 0; i < shape.layers.size(); ++i) {
    const LayerShape& l = shape.layers[i];
    if (l.input_group < 0) continue;
    const int rpc = rowsPerInputChannel(shape, static_cast<int>(i));
    reader_rows[l.input_group] += rpc;
    reader_cells[l.input_group] += static_cast<std::int64_t>(rpc) * l.cout * cpw;
  }
  ImportanceReport r;
  for (std::size_t i = 0; i < shape.layers.size(); ++i) {
    const LayerShape& l = shape.layers[i];
    LayerImportance li;
    li.layer = static_cast<int>(i);
    li.name = l.name;
    li.width_group = l.width_group;
    li.channels = l.cout;
    li.has_batch_norm = !gamma[i].empty();
    if (li.has_batch_norm && static_cast<int>(gamma[i].size()) != l.cout) {
      throw ConfigError("importance: layer " + l.name + " has " + std::to_string(l.cout) +
                        " channels but " + std::to_string(gamma[i].size()) + " gamma values");
    }
    for (double g : gamma[i]) li.gamma.push_back(std::fabs(g));
    li.sum = std::accumulate(li.gamma.begin(), li.gamma.end(), 0.0);
    li.mean = li.channels > 0 && li.has_batch_norm ? li.sum / li.channels : 0;
    li.channel_cols = cpw;
    li.channel_rows = l.width_group >= 0 ? reader_rows[l.width_group] : 0;
    li.channel_cells = l.rows() * cpw + (l.width_group >= 0 ? reader_cells[l.width_group] : 0);
    li.macro_fraction = static_cast<double>(li.channel_cells) / macro_cells;
    r.total += li.sum;
    r.layers.push_back(std::move(li));
  }
  for (auto& li : r.layers) li.share = r.total > 0 ? li.sum / r.total : 0;

  for (std::size_t g = 0; g < shape.width_groups.size(); ++g) {
    const WidthGroup& wg = shape.width_groups[g];
    GroupImportance gi;
    gi.group = static_cast<int>(g);
    gi.name = wg.name;
    gi.width = wg.width;
    gi.channel.assign(static_cast<std::size_t>(wg.width), 0.0);
    int bn_layers = 0;
    for (int li : wg.layers) {
      const LayerImportance& L = r.layers[static_cast<std::size_t>(li)];
      gi.channel_cells += shape.layers[static_cast<std::size_t>(li)].rows() * cpw;
      if (!L.has_batch_norm) continue;
      ++bn_layers;
      gi.sum += L.sum;
      for (std::size_t j = 0; j < L.gamma.size() && j < gi.channel.size(); ++j) {
        gi.channel[j] = std::max(gi.channel[j], L.gamma[j]);
      }
    }
    gi.channel_cells += reader_cells[g];
    gi.mean = bn_layers > 0 && wg.width > 0 ? gi.sum / (static_cast<double>(wg.width) * bn_layers)
                                            : 0;
    gi.share = r.total > 0 ? gi.sum / r.total : 0;
    gi.importance_per_macro =
        gi.channel_cells > 0 ? gi.mean / (static_cast<double>(gi.channel_cells) / macro_cells) : 0;
    r.groups.push_back(std::move(gi));
  }
  for (const auto& li : r.layers) {
    if (li.has_batch_norm) r.ranked_layers.push_back(li.layer);
  }
  std::stable_sort(r.ranked_layers.begin(), r.ranked_layers.end(), [&](int a, int b) {
    return r.layers[static_cast<std::size_t>(a)].share > r.layers[static_cast<std::size_t>(b)].share;
  });
  r.ranked_groups.resize(r.groups.size());
  std::iota(r.ranked_groups.begin(), r.ranked_groups.end(), 0);
  std::stable_sort(r.ranked_groups.begin(), r.ranked_groups.end(), [&](int a, int b) {
    return r.groups[static_cast<std::size_t>(a)].importance_per_macro >
           r.groups[static_cast<std::size_t>(b)].importance_per_macro;
  });
  return r;
}

}  // namespace cimscope
