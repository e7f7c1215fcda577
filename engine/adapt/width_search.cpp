#include "engine/adapt/width_search.h"

#include <algorithm>
#include <limits>
#include <set>

#include "engine/cim/layer_mapper.h"
#include "engine/cim/network_mapper.h"
#include "engine/common/errors.h"
#include "engine/nn/spec/network_templates.h"

// The search is explained (with the proofs of exactness) in docs/stage1.md "Width search".

namespace cimscope {

namespace {

constexpr double kNeg = -std::numeric_limits<double>::infinity();

// Input channels of layer l per channel of its input group (1 for a conv, the flattened spatial
// positions for a linear layer after flatten).
int cinPerChannel(const NetworkShape& s, const LayerShape& l) {
  if (l.input_group < 0) return 1;
  const int w = s.width_groups[static_cast<std::size_t>(l.input_group)].width;
  return w > 0 ? l.cin / w : 1;
}

LayerShape resized(const NetworkShape& s, const LayerShape& l, int in_w, int out_w) {
  LayerShape r = l;
  if (l.input_group >= 0 && in_w > 0) r.cin = in_w * cinPerChannel(s, l);
  if (l.width_group >= 0 && out_w > 0) r.cout = out_w;
  return r;
}

// One weight layer as a factor of the problem: its tiles are rt[ia] * ct[ib] and its value is
// w * rows[ia] * cols[ib], where ia / ib index the candidates of its input / output group (0 when
// that side is fixed). This product form is exactly how mapLayer counts tiles and cells.
struct Factor {
  int a = -1, b = -1;  // input group, output group (-1 = fixed)
  std::vector<std::int64_t> rt, ct;
  std::vector<double> rows, cols;
  double w = 1;
  std::int64_t cost(int ia, int ib) const { return rt[ia] * ct[ib]; }
  double value(int ia, int ib) const { return w * rows[ia] * cols[ib]; }
};

class Solver {
 public:
  Solver(const NetworkShape& s, const MacroSpec& m, const WidthSearchConfig& c,
         std::vector<std::vector<int>> cands)
      : cands_(std::move(cands)) {
    const std::size_t G = s.width_groups.size();
    for (std::size_t i = 0; i < s.layers.size(); ++i) {
      const LayerShape& l = s.layers[i];
      Factor f;
      f.a = l.input_group;
      f.b = l.width_group;
      f.w = c.layer_weight.empty() ? 1.0 : c.layer_weight[i];
      const std::vector<int> fixed{0};
      for (int w : f.a >= 0 ? cands_[f.a] : fixed) {
        const LayerMapping lm = mapLayer(resized(s, l, w, 0), m);
        f.rt.push_back(lm.row_tiles);
        f.rows.push_back(static_cast<double>(lm.rows_needed));
      }
      for (int w : f.b >= 0 ? cands_[f.b] : fixed) {
        const LayerMapping lm = mapLayer(resized(s, l, 0, w), m);
        f.ct.push_back(lm.col_tiles);
        f.cols.push_back(static_cast<double>(lm.cols_needed));
      }
      factors_.push_back(std::move(f));
    }
    chooseSeparator(G);
  }

  const std::vector<int>& separator() const { return separator_; }
  std::int64_t assignmentCount() const {
    std::int64_t n = 1;
    for (int g : separator_) {
      n *= static_cast<std::int64_t>(cands_[g].size());
      if (n > (std::int64_t{1} << 50)) break;
    }
    return n;
  }

  // Best value with at most `budget` tiles; fills idx (candidate index per group) when feasible.
  bool solve(std::int64_t budget, std::vector<int>* idx, double* value, std::int64_t* tiles) {
    B_ = budget;
    std::vector<int> assign(cands_.size(), -1);
    double best = kNeg;
    std::int64_t best_m = 0;
    std::vector<int> best_assign;
    std::vector<int> counter(separator_.size(), 0);
    while (true) {
      for (std::size_t k = 0; k < separator_.size(); ++k) assign[separator_[k]] = counter[k];
      std::int64_t m = 0;
      const double v = evaluate(assign, nullptr, &m);
      if (v > best) {
        best = v;
        best_m = m;
        best_assign = assign;
      }
      std::size_t k = 0;
      for (; k < counter.size(); ++k) {
        if (++counter[k] < static_cast<int>(cands_[separator_[k]].size())) break;
        counter[k] = 0;
      }
      if (k == counter.size()) break;
    }
    if (best == kNeg) return false;
    std::vector<int> full = best_assign;
    evaluate(best_assign, &full, &best_m);
    *idx = full;
    *value = best;
    *tiles = best_m;
    return true;
  }

 private:
  // The separator: groups enumerated outright so that the rest of the group graph (edges = layers
  // reading one group and writing another) is a set of simple paths. Greedy: take the group with
  // the most neighbours while some group has more than two or a component has a cycle.
  void chooseSeparator(std::size_t G) {
    std::vector<char> in_s(G, 0);
    while (true) {
      std::vector<std::set<int>> nb(G);
      for (const auto& f : factors_) {
        if (f.a >= 0 && f.b >= 0 && f.a != f.b && !in_s[f.a] && !in_s[f.b]) {
          nb[f.a].insert(f.b);
          nb[f.b].insert(f.a);
        }
      }
      int pick = -1;
      std::size_t pick_deg = 0;
      for (std::size_t g = 0; g < G; ++g) {
        if (!in_s[g] && nb[g].size() > 2 && nb[g].size() > pick_deg) {
          pick = static_cast<int>(g);
          pick_deg = nb[g].size();
        }
      }
      if (pick < 0) {
        // Degrees are <= 2: every component is a path or a cycle. Break cycles.
        std::vector<char> seen(G, 0);
        paths_.clear();
        for (std::size_t g = 0; g < G && pick < 0; ++g) {
          if (in_s[g] || seen[g]) continue;
          // Collect the component.
          std::vector<int> comp{static_cast<int>(g)};
          seen[g] = 1;
          for (std::size_t k = 0; k < comp.size(); ++k) {
            for (int n : nb[comp[k]]) {
              if (!seen[n]) {
                seen[n] = 1;
                comp.push_back(n);
              }
            }
          }
          int start = -1;
          for (int n : comp) {
            if (nb[n].size() <= 1) {
              start = n;
              break;
            }
          }
          if (start < 0) {
            pick = comp[0];  // a cycle: enumerate one of its groups
            break;
          }
          std::vector<int> path{start};
          int prev = -1, cur = start;
          while (true) {
            int next = -1;
            for (int n : nb[cur]) {
              if (n != prev) next = n;
            }
            if (next < 0) break;
            path.push_back(next);
            prev = cur;
            cur = next;
          }
          paths_.push_back(path);
        }
        if (pick < 0) break;
      }
      in_s[pick] = 1;
      separator_.push_back(pick);
    }
    in_sep_ = in_s;
  }

  // Value of the best completion of `assign` (separator candidates) within B_ tiles; with `full`,
  // writes every group's candidate index of that completion.
  double evaluate(const std::vector<int>& assign, std::vector<int>* full, std::int64_t* m_out) {
    const std::size_t G = cands_.size();
    auto fixedIdx = [&](int g) { return g < 0 ? 0 : assign[g]; };
    auto isFixed = [&](int g) { return g < 0 || in_sep_[g]; };
    // Constant part and unary parts.
    std::int64_t c_cost = 0;
    double c_val = 0;
    std::vector<std::vector<std::int64_t>> ucost(G);
    std::vector<std::vector<double>> uval(G);
    for (std::size_t g = 0; g < G; ++g) {
      if (!in_sep_[g]) {
        ucost[g].assign(cands_[g].size(), 0);
        uval[g].assign(cands_[g].size(), 0.0);
      }
    }
    for (const auto& f : factors_) {
      const bool fa = isFixed(f.a), fb = isFixed(f.b);
      if (fa && fb) {
        c_cost += f.cost(fixedIdx(f.a), fixedIdx(f.b));
        c_val += f.value(fixedIdx(f.a), fixedIdx(f.b));
      } else if (f.a == f.b) {
        for (std::size_t i = 0; i < cands_[f.a].size(); ++i) {
          ucost[f.a][i] += f.cost(static_cast<int>(i), static_cast<int>(i));
          uval[f.a][i] += f.value(static_cast<int>(i), static_cast<int>(i));
        }
      } else if (fa) {
        for (std::size_t i = 0; i < cands_[f.b].size(); ++i) {
          ucost[f.b][i] += f.cost(fixedIdx(f.a), static_cast<int>(i));
          uval[f.b][i] += f.value(fixedIdx(f.a), static_cast<int>(i));
        }
      } else if (fb) {
        for (std::size_t i = 0; i < cands_[f.a].size(); ++i) {
          ucost[f.a][i] += f.cost(static_cast<int>(i), fixedIdx(f.b));
          uval[f.a][i] += f.value(static_cast<int>(i), fixedIdx(f.b));
        }
      }
    }
    if (c_cost > B_) return kNeg;
    const std::int64_t B = B_ - c_cost;
    const std::size_t W = static_cast<std::size_t>(B) + 1;
    // Knapsack over the paths.
    std::vector<double> K(W, kNeg);
    K[0] = c_val;
    std::vector<std::vector<std::int64_t>> split(paths_.size());
    std::vector<std::vector<std::vector<int>>> back(paths_.size());
    std::vector<std::vector<int>> last(paths_.size());
    for (std::size_t p = 0; p < paths_.size(); ++p) {
      const std::vector<int>& path = paths_[p];
      // F over (candidate of the current node, tiles used).
      std::vector<double> F;
      back[p].assign(path.size(), {});
      int g0 = path[0];
      std::size_t n0 = cands_[g0].size();
      F.assign(n0 * W, kNeg);
      for (std::size_t c = 0; c < n0; ++c) {
        if (ucost[g0][c] <= B) F[c * W + static_cast<std::size_t>(ucost[g0][c])] = uval[g0][c];
      }
      for (std::size_t k = 1; k < path.size(); ++k) {
        const int gp = path[k - 1], g = path[k];
        const std::size_t np = cands_[gp].size(), n = cands_[g].size();
        std::vector<double> G2(n * W, kNeg);
        std::vector<int>& bk = back[p][k];
        bk.assign(n * W, -1);
        for (std::size_t cp = 0; cp < np; ++cp) {
          for (std::size_t c = 0; c < n; ++c) {
            std::int64_t cost = ucost[g][c];
            double val = uval[g][c];
            for (const auto& f : factors_) {
              if (f.a == gp && f.b == g) {
                cost += f.cost(static_cast<int>(cp), static_cast<int>(c));
                val += f.value(static_cast<int>(cp), static_cast<int>(c));
              } else if (f.a == g && f.b == gp) {
                cost += f.cost(static_cast<int>(c), static_cast<int>(cp));
                val += f.value(static_cast<int>(c), static_cast<int>(cp));
              }
            }
            if (cost > B) continue;
            const double* src = &F[cp * W];
            double* dst = &G2[c * W];
            int* bd = &bk[c * W];
            for (std::size_t m = 0; m + static_cast<std::size_t>(cost) < W; ++m) {
              if (src[m] == kNeg) continue;
              const double v = src[m] + val;
              const std::size_t to = m + static_cast<std::size_t>(cost);
              if (v > dst[to]) {
                dst[to] = v;
                bd[to] = static_cast<int>(cp);
              }
            }
          }
        }
        F.swap(G2);
      }
      // Path table: best over the last node's candidates per tile count.
      const std::size_t nl = cands_[path.back()].size();
      std::vector<double> T(W, kNeg);
      last[p].assign(W, -1);
      for (std::size_t c = 0; c < nl; ++c) {
        for (std::size_t m = 0; m < W; ++m) {
          if (F[c * W + m] > T[m]) {
            T[m] = F[c * W + m];
            last[p][m] = static_cast<int>(c);
          }
        }
      }
      std::vector<double> K2(W, kNeg);
      split[p].assign(W, -1);
      for (std::size_t m0 = 0; m0 < W; ++m0) {
        if (K[m0] == kNeg) continue;
        for (std::size_t m1 = 0; m0 + m1 < W; ++m1) {
          if (T[m1] == kNeg) continue;
          const double v = K[m0] + T[m1];
          if (v > K2[m0 + m1]) {
            K2[m0 + m1] = v;
            split[p][m0 + m1] = static_cast<std::int64_t>(m1);
          }
        }
      }
      K.swap(K2);
    }
    double best = kNeg;
    std::size_t best_m = 0;
    for (std::size_t m = 0; m < W; ++m) {
      if (K[m] > best) {  // strict: the fewest tiles among equal values
        best = K[m];
        best_m = m;
      }
    }
    if (best == kNeg) return kNeg;
    *m_out = static_cast<std::int64_t>(best_m) + c_cost;
    if (full) {
      for (std::size_t g = 0; g < G; ++g) {
        if (in_sep_[g]) (*full)[g] = assign[g];
      }
      std::size_t m = best_m;
      for (std::size_t p = paths_.size(); p-- > 0;) {
        const std::int64_t m1 = split[p][m];
        m -= static_cast<std::size_t>(m1);
        // Walk the path back from its last node.
        std::size_t mm = static_cast<std::size_t>(m1);
        const std::vector<int>& path = paths_[p];
        int c = last[p][mm];
        for (std::size_t k = path.size(); k-- > 0;) {
          const int g = path[k];
          (*full)[g] = c;
          if (k == 0) break;
          const int cp = back[p][k][static_cast<std::size_t>(c) * W + mm];
          // Recover the tiles this step added to step back to the previous table.
          std::int64_t cost = ucost[g][c];
          for (const auto& f : factors_) {
            if (f.a == path[k - 1] && f.b == g) cost += f.cost(cp, c);
            else if (f.a == g && f.b == path[k - 1]) cost += f.cost(c, cp);
          }
          mm -= static_cast<std::size_t>(cost);
          c = cp;
        }
      }
    }
    return best;
  }

  std::vector<std::vector<int>> cands_;
  std::vector<Factor> factors_;
  std::vector<int> separator_;
  std::vector<char> in_sep_;
  std::vector<std::vector<int>> paths_;
  std::int64_t B_ = 0;
};

NetworkShape shapeWithWidths(const NetworkShape& s, const std::vector<int>& widths) {
  NetworkSpec spec;
  spec.model = s.model;
  spec.in_channels = s.in_channels;
  spec.in_height = s.in_height;
  spec.in_width = s.in_width;
  spec.classes = s.classes;
  spec.widths = widths;
  return buildNetworkShape(spec);
}

}  // namespace

void WidthSearchConfig::validate(std::size_t groups, std::size_t layers) const {
  if (min_width.size() != groups || max_width.size() != groups) {
    throw ConfigError("width search: min_width / max_width need " + std::to_string(groups) +
                      " entries (one per width group), got " + std::to_string(min_width.size()) +
                      " / " + std::to_string(max_width.size()));
  }
  for (std::size_t g = 0; g < groups; ++g) {
    if (min_width[g] < 1 || max_width[g] < min_width[g] || max_width[g] > 65536) {
      throw ConfigError("width search: group " + std::to_string(g) + " range [" +
                        std::to_string(min_width[g]) + ", " + std::to_string(max_width[g]) +
                        "] is invalid (need 1 <= min <= max <= 65536)");
    }
  }
  if (!layer_weight.empty() && layer_weight.size() != layers) {
    throw ConfigError("width search: layer_weight has " + std::to_string(layer_weight.size()) +
                      " entries, the network has " + std::to_string(layers) + " layers");
  }
  for (double w : layer_weight) {
    if (!(w >= 0)) throw ConfigError("width search: layer_weight must be >= 0");
  }
  if (budget < 1) {
    throw ConfigError("width search: budget = " + std::to_string(budget) + " macros (need >= 1)");
  }
  if (!seed_widths.empty()) {
    if (seed_widths.size() != groups) {
      throw ConfigError("width search: seed_widths has " + std::to_string(seed_widths.size()) +
                        " entries, need " + std::to_string(groups) + " (one per width group)");
    }
    for (std::size_t g = 0; g < groups; ++g) {
      if (seed_widths[g] < min_width[g] || seed_widths[g] > max_width[g]) {
        throw ConfigError("width search: seed_widths[" + std::to_string(g) + "] = " +
                          std::to_string(seed_widths[g]) + " is outside [" +
                          std::to_string(min_width[g]) + ", " + std::to_string(max_width[g]) + "]");
      }
    }
  }
  if (refine_rounds < 0) throw ConfigError("width search: refine_rounds must be >= 0");
}

std::vector<int> candidateWidths(const NetworkShape& shape, const MacroSpec& macro, int group,
                                 int lo, int hi) {
  std::vector<int> out;
  auto key = [&](int w) {
    std::vector<int> k;
    for (const auto& l : shape.layers) {
      if (l.input_group == group) k.push_back(mapLayer(resized(shape, l, w, 0), macro).row_tiles);
      if (l.width_group == group) k.push_back(mapLayer(resized(shape, l, 0, w), macro).col_tiles);
    }
    return k;
  };
  std::vector<int> cur = key(lo);
  for (int w = lo; w < hi; ++w) {
    std::vector<int> next = key(w + 1);
    if (next != cur) out.push_back(w);
    cur.swap(next);
  }
  out.push_back(hi);
  return out;
}

double widthObjective(const NetworkShape& shape, const MacroSpec& macro,
                      const std::vector<int>& widths, const std::vector<double>& layer_weight,
                      std::int64_t* tiles) {
  double j = 0;
  std::int64_t t = 0;
  for (std::size_t i = 0; i < shape.layers.size(); ++i) {
    const LayerShape& l = shape.layers[i];
    const LayerMapping lm = mapLayer(
        resized(shape, l, l.input_group >= 0 ? widths[l.input_group] : 0,
                l.width_group >= 0 ? widths[l.width_group] : 0),
        macro);
    t += lm.tiles;
    j += (layer_weight.empty() ? 1.0 : layer_weight[i]) * static_cast<double>(lm.used_cells);
  }
  if (tiles) *tiles = t;
  return j;
}

WidthSearchResult searchWidths(const NetworkShape& shape, const MacroSpec& macro,
                               const WidthSearchConfig& config) {
  macro.validate();
  config.validate(shape.width_groups.size(), shape.layers.size());
  const std::size_t G = shape.width_groups.size();
  WidthSearchResult r;
  for (std::size_t g = 0; g < G; ++g) {
    r.candidates.push_back(candidateWidths(shape, macro, static_cast<int>(g), config.min_width[g],
                                           config.max_width[g]));
  }
  Solver solver(shape, macro, config, r.candidates);
  r.separator = solver.separator();
  const std::int64_t per_run = solver.assignmentCount();
  if (per_run > config.max_assignments) {
    throw ConfigError("width search: " + std::to_string(per_run) +
                      " separator assignments exceed max_assignments = " +
                      std::to_string(config.max_assignments) + " (narrow the width ranges)");
  }
  std::int64_t max_tiles = 0;
  widthObjective(shape, macro, config.max_width, config.layer_weight, &max_tiles);

  auto toWidths = [&](const std::vector<int>& idx) {
    std::vector<int> w(G);
    for (std::size_t g = 0; g < G; ++g) w[g] = r.candidates[g][static_cast<std::size_t>(idx[g])];
    return w;
  };
  auto finish = [&](const std::vector<int>& widths, std::int64_t tile_budget) {
    r.widths = widths;
    r.objective = widthObjective(shape, macro, widths, config.layer_weight, &r.tiles);
    const MappingReport rep = mapNetwork(shapeWithWidths(shape, widths), macro);
    r.macros = rep.total.macros;
    r.utilization = rep.total.utilization;
    r.tile_budget = tile_budget;
  };

  const bool packed = macro.packing == Packing::kPacked;
  std::int64_t min_tiles = 0;
  widthObjective(shape, macro, config.min_width, config.layer_weight, &min_tiles);
  std::vector<int> idx;
  double value = 0;
  std::int64_t tiles = 0;
  const std::int64_t first = std::min(config.budget, max_tiles);
  ++r.dp_runs;
  r.assignments += per_run;
  const bool dp_ok = solver.solve(first, &idx, &value, &tiles);
  if (!packed) {
    if (!dp_ok) {
      r.feasible = false;
      finish(config.min_width, first);
      r.method = "infeasible: the minimum widths need " + std::to_string(r.tiles) + " tiles";
      return r;
    }
    r.feasible = true;
    r.exact = true;
    finish(toWidths(idx), first);
    r.method = "separator enumeration (" + std::to_string(r.separator.size()) +
               " groups) + DP over tiles <= " + std::to_string(first);
    return r;
  }

  // Packed: packing never needs more macros than there are tiles, so the DP optimum at tile
  // budget `budget` (when there is one) meets the budget. Larger tile budgets may still pack into
  // `budget` macros: scan them and keep the best solution whose real packed mapping fits (J only
  // grows with the tile budget, so the result is never worse than the dedicated optimum). When
  // even the minimum widths need more tiles than `budget`, the scan starts at their tile count.
  r.exact = false;
  double best = -1;
  if (dp_ok) {
    r.feasible = true;
    finish(toWidths(idx), first);
    best = r.objective;
  } else if (mapNetwork(shapeWithWidths(shape, config.min_width), macro).total.macros <=
             config.budget) {
    r.feasible = true;  // the lower bounds themselves pack into the budget
    finish(config.min_width, min_tiles);
    best = r.objective;
  }
  const std::int64_t step = std::max<std::int64_t>(1, config.budget / 32);
  const std::int64_t start = dp_ok ? first + step : std::max(first + 1, min_tiles);
  const std::int64_t stop = std::min(max_tiles, start + 4 * config.budget);
  int misses = 0;
  std::int64_t last = first;
  for (std::int64_t tb = start; tb <= stop; tb += step) {
    std::vector<int> idx2;
    double v2 = 0;
    std::int64_t t2 = 0;
    ++r.dp_runs;
    r.assignments += per_run;
    last = tb;
    if (!solver.solve(tb, &idx2, &v2, &t2)) continue;
    const std::vector<int> w2 = toWidths(idx2);
    const MappingReport rep = mapNetwork(shapeWithWidths(shape, w2), macro);
    if (rep.total.macros <= config.budget) {
      misses = 0;
      if (v2 > best) {
        best = v2;
        r.feasible = true;
        finish(w2, tb);
      }
    } else if (++misses >= 8) {
      break;
    }
  }
  bool from_seed = false;
  if (!config.seed_widths.empty() &&
      mapNetwork(shapeWithWidths(shape, config.seed_widths), macro).total.macros <=
          config.budget) {
    const double v = widthObjective(shape, macro, config.seed_widths, config.layer_weight, nullptr);
    if (v > best) {
      best = v;
      r.feasible = true;
      finish(config.seed_widths, 0);
      from_seed = true;
    }
  }
  if (!r.feasible) {
    finish(config.min_width, first);
    r.method = "infeasible: no scanned tile budget packs into " + std::to_string(config.budget) +
               " macros (minimum widths: " + std::to_string(r.macros) + " macros)";
    return r;
  }
  r.scan_objective = r.objective;

  // Refinement: the DP works on dedicated tiles, whose boundaries (e.g. multiples of 28 input
  // channels) are not where packed macros fill. Greedy ascent on the real packer: each round
  // tries every larger width of every group and takes the one that adds the most J while the
  // packed network still fits the budget. J only grows, so the scan's guarantees still hold.
  std::vector<int> cur = r.widths;
  double cur_j = r.objective;
  for (int round = 0; round < config.refine_rounds; ++round) {
    double best_gain = 0;
    std::size_t best_g = G;
    int best_w = 0;
    for (std::size_t g = 0; g < G; ++g) {
      std::vector<int> w = cur;
      for (int x = cur[g] + 1; x <= config.max_width[g]; ++x) {
        w[g] = x;
        const double v = widthObjective(shape, macro, w, config.layer_weight, nullptr);
        if (v - cur_j <= best_gain) continue;
        if (mapNetwork(shapeWithWidths(shape, w), macro).total.macros > config.budget) continue;
        best_gain = v - cur_j;
        best_g = g;
        best_w = x;
      }
    }
    if (best_g == G) break;
    cur[best_g] = best_w;
    cur_j += best_gain;
    ++r.refine_moves;
  }
  if (r.refine_moves > 0) finish(cur, r.tile_budget);
  r.method = "packed: tile-budget scan " + std::to_string(first) + ".." + std::to_string(last) +
             " step " + std::to_string(step) + " (" + std::to_string(r.dp_runs) +
             " exact DP runs, separator " + std::to_string(r.separator.size()) + " groups), " +
             (from_seed ? std::string("best start: the seed widths")
                        : "best at tile budget " + std::to_string(r.tile_budget)) +
             ", then " + std::to_string(r.refine_moves) + " greedy widenings on the packer";
  return r;
}

}  // namespace cimscope
