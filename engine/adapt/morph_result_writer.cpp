#include "engine/adapt/morph_result_writer.h"

#include <nlohmann/json.hpp>

#include "engine/store/h5_file.h"

namespace cimscope {

namespace {

void ints(H5File& f, const std::string& path, const std::vector<int>& v) {
  std::vector<std::int64_t> w(v.begin(), v.end());
  f.writeInt64(path, {static_cast<std::int64_t>(w.size())}, w.data());
}
void ints64(H5File& f, const std::string& path, const std::vector<std::int64_t>& v) {
  f.writeInt64(path, {static_cast<std::int64_t>(v.size())}, v.data());
}
void doubles(H5File& f, const std::string& path, const std::vector<double>& v) {
  f.writeFloat64(path, {static_cast<std::int64_t>(v.size())}, v.data());
}

void writeImportance(H5File& f, const std::string& g, const ImportanceReport& r) {
  f.createGroup(g);
  f.setAttribute(g, "total", r.total);
  std::vector<double> sum, mean, share, macro_fraction, gamma;
  std::vector<std::int64_t> channels, cells, rows, offset, has_bn;
  for (const auto& l : r.layers) {
    sum.push_back(l.sum);
    mean.push_back(l.mean);
    share.push_back(l.share);
    macro_fraction.push_back(l.macro_fraction);
    channels.push_back(l.channels);
    cells.push_back(l.channel_cells);
    rows.push_back(l.channel_rows);
    has_bn.push_back(l.has_batch_norm ? 1 : 0);
    offset.push_back(static_cast<std::int64_t>(gamma.size()));
    gamma.insert(gamma.end(), l.gamma.begin(), l.gamma.end());
  }
  offset.push_back(static_cast<std::int64_t>(gamma.size()));
  doubles(f, g + "/layer_sum", sum);
  doubles(f, g + "/layer_mean", mean);
  doubles(f, g + "/layer_share", share);
  ints64(f, g + "/layer_channels", channels);
  ints64(f, g + "/layer_has_batch_norm", has_bn);
  ints64(f, g + "/layer_channel_cells", cells);
  ints64(f, g + "/layer_channel_rows", rows);
  doubles(f, g + "/layer_channel_macro_fraction", macro_fraction);
  doubles(f, g + "/channel_gamma", gamma);
  ints64(f, g + "/channel_offset", offset);
  ints(f, g + "/ranked_layers", r.ranked_layers);
  std::vector<double> gsum, gmean, gshare, gipm, gch;
  std::vector<std::int64_t> gcells, goffset;
  for (const auto& gi : r.groups) {
    gsum.push_back(gi.sum);
    gmean.push_back(gi.mean);
    gshare.push_back(gi.share);
    gipm.push_back(gi.importance_per_macro);
    gcells.push_back(gi.channel_cells);
    goffset.push_back(static_cast<std::int64_t>(gch.size()));
    gch.insert(gch.end(), gi.channel.begin(), gi.channel.end());
  }
  goffset.push_back(static_cast<std::int64_t>(gch.size()));
  doubles(f, g + "/group_sum", gsum);
  doubles(f, g + "/group_mean", gmean);
  doubles(f, g + "/group_share", gshare);
  doubles(f, g + "/group_importance_per_macro", gipm);
  ints64(f, g + "/group_channel_cells", gcells);
  doubles(f, g + "/group_channel_importance", gch);
  ints64(f, g + "/group_channel_offset", goffset);
  ints(f, g + "/ranked_groups", r.ranked_groups);
}

}  // namespace

void writeMorphGroup(H5File& f, const MorphResult& r, const std::string& config_json) {
  f.createGroup("/morph");
  f.setAttribute("/morph", "config", config_json);
  f.setAttribute("/morph", "status",
                 std::string(r.status == MorphResult::Status::kCompleted ? "completed" : "cancelled"));
  f.setAttribute("/morph", "budget_kind", r.budget_kind);
  f.setAttribute("/morph", "budget_macros", r.budget_macros);
  f.setAttribute("/morph", "threshold", r.threshold);
  f.setAttribute("/morph", "pruned_channels", r.pruned_channels);
  f.setAttribute("/morph", "group_names", nlohmann::json(r.group_names).dump());
  f.setAttribute("/morph", "layer_names", nlohmann::json(r.layer_names).dump());
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& s : r.steps) steps.push_back(s.name);
  f.setAttribute("/morph", "steps", steps.dump());
  f.setAttribute("/morph", "warnings", nlohmann::json(r.warnings).dump());
  // The width search.
  const WidthSearchResult& ws = r.search;
  f.createGroup("/morph/search");
  f.setAttribute("/morph/search", "feasible", std::int64_t{ws.feasible ? 1 : 0});
  f.setAttribute("/morph/search", "exact", std::int64_t{ws.exact ? 1 : 0});
  f.setAttribute("/morph/search", "objective", ws.objective);
  f.setAttribute("/morph/search", "tiles", ws.tiles);
  f.setAttribute("/morph/search", "macros", ws.macros);
  f.setAttribute("/morph/search", "tile_budget", ws.tile_budget);
  f.setAttribute("/morph/search", "assignments", ws.assignments);
  f.setAttribute("/morph/search", "dp_runs", ws.dp_runs);
  f.setAttribute("/morph/search", "method", ws.method);
  f.setAttribute("/morph/search", "candidates", nlohmann::json(ws.candidates).dump());
  if (!ws.widths.empty()) ints(f, "/morph/search/widths", ws.widths);
  ints(f, "/morph/search/separator", ws.separator);
  for (const auto& s : r.steps) {
    const std::string g = "/morph/" + s.name;
    f.createGroup(g);
    f.setAttribute(g, "params", s.params);
    f.setAttribute(g, "weights", s.weights);
    f.setAttribute(g, "tiles", s.tiles);
    f.setAttribute(g, "macros", s.macros);
    f.setAttribute(g, "utilization", s.utilization);
    f.setAttribute(g, "fits_on_chip", std::int64_t{s.fits_on_chip ? 1 : 0});
    f.setAttribute(g, "weight_load_cycles_per_inference", s.weight_load_cycles_per_inference);
    f.setAttribute(g, "latency_cycles", s.latency_cycles);
    f.setAttribute(g, "energy_pj", s.energy_pj);
    f.setAttribute(g, "accuracy", s.accuracy);
    f.setAttribute(g, "test_loss", s.test_loss);
    f.setAttribute(g, "epochs", static_cast<std::int64_t>(s.epochs));
    f.setAttribute(g, "seconds", s.seconds);
    ints(f, g + "/widths", s.widths);
    ints(f, g + "/layer_cout", s.layer_cout);
    if (!s.regularizer.empty()) doubles(f, g + "/regularizer", s.regularizer);
    if (!s.epoch_accuracy.empty()) doubles(f, g + "/epoch_accuracy", s.epoch_accuracy);
    writeImportance(f, g + "/importance", s.importance);
  }
}

}  // namespace cimscope
