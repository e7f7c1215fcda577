#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/cim/macro_spec.h"
#include "engine/nn/spec/network_shape.h"

namespace cimscope {

// The expand/reallocate problem of Stage 1 (docs/stage1.md "Width search"): choose one width per
// width group in [min_width, max_width] that maximizes the importance-weighted stored weights
//   J(w) = sum over layers L of layer_weight[L] * used_cells_L(w)
// subject to macros(w) <= budget. Torch-free and analytic (mapLayer per candidate).
struct WidthSearchConfig {
  std::vector<int> min_width;        // per width group, >= 1
  std::vector<int> max_width;        // per width group, >= min_width
  std::vector<double> layer_weight;  // per weight layer, >= 0: value of one used cell; empty = 1
  std::int64_t budget = 0;           // macros under the macro's packing, >= 1
  // Packed packing only: widths known to be feasible (Stage 1 passes the pruned widths); they
  // start the refinement when they pack into the budget and beat the scan. Empty = none.
  std::vector<int> seed_widths;
  // Packed packing only: rounds of the greedy refinement (docs/stage1.md); 0 = off.
  int refine_rounds = 1000;
  // Upper bound on separator assignments enumerated (see docs/stage1.md); beyond it the search
  // refuses with a ConfigError rather than running for hours.
  std::int64_t max_assignments = 20000000;

  // Throws ConfigError naming the field (needs the group and layer counts).
  void validate(std::size_t groups, std::size_t layers) const;
};

struct WidthSearchResult {
  bool feasible = false;                      // false: even the minimum widths need more macros
  std::vector<int> widths;                    // per width group (the minimum widths if infeasible)
  double objective = 0;                       // J(widths)
  std::int64_t tiles = 0;                     // dedicated tiles of `widths`
  std::int64_t macros = 0;                    // macros under the macro's packing
  double utilization = 0;                     // used cells / (macros * R * C)
  // true when `widths` is proven optimal for the budget: always for dedicated packing. For packed
  // packing the tile-budget scan guarantees the budget and J >= the dedicated optimum, not
  // optimality (bin packing is NP-hard); see docs/stage1.md.
  bool exact = false;
  std::int64_t tile_budget = 0;               // the tile budget of the DP that produced `widths`
  std::vector<std::vector<int>> candidates;   // per group: the widths the DP considered
  std::vector<int> separator;                 // groups enumerated outright (resnet: the stages)
  std::int64_t assignments = 0;               // separator assignments enumerated
  std::int64_t dp_runs = 0;                   // DP runs (packed: one per scanned tile budget)
  int refine_moves = 0;                       // packed: width increases the refinement made
  double scan_objective = 0;                  // packed: J before the refinement
  std::string method;                         // one line: what was done
};

// Solves the problem above. Dedicated packing: exact (separator enumeration + dynamic programming
// over the budget on the remaining chains). Packed: scans tile budgets from `budget` upwards and
// keeps the best solution whose packed macro count meets the budget (or the seed widths when they
// are better), then refines it greedily with the real packer: each round raises the one group
// width that adds the most J while the packed network still fits.
WidthSearchResult searchWidths(const NetworkShape& shape, const MacroSpec& macro,
                               const WidthSearchConfig& config);

// The widths at which some tile count of the group's layers changes when the width grows by one
// (the right ends of the constant-cost intervals), plus max_width; sorted, within [lo, hi].
std::vector<int> candidateWidths(const NetworkShape& shape, const MacroSpec& macro, int group,
                                 int lo, int hi);

// J(widths) and the dedicated tile count, by mapLayer on every layer (for tests and reports).
double widthObjective(const NetworkShape& shape, const MacroSpec& macro,
                      const std::vector<int>& widths, const std::vector<double>& layer_weight,
                      std::int64_t* tiles);

}  // namespace cimscope
