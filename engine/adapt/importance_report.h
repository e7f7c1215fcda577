#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cimscope {

// Importance of one weight layer's output channels: |gamma| of the batch norm after it
// (DESIGN.md section 1, Stage 1 step 1), with what each channel costs on the macros.
struct LayerImportance {
  int layer = 0;                       // index into NetworkShape::layers
  std::string name;                    // layer name ("layer1.0.conv1")
  int width_group = -1;                // its output width group; -1 = fixed (classifier)
  bool has_batch_norm = false;         // false: no |gamma| (classifier); sums are 0
  int channels = 0;                    // output channels
  double sum = 0;                      // sum_i |gamma_i|
  double mean = 0;                     // sum / channels
  double share = 0;                    // sum / network total of sums, 0..1
  std::vector<double> gamma;           // |gamma_i| per output channel
  // Macro cost of ONE output channel of this layer under the MacroSpec (docs/stage1.md "Cost"):
  std::int64_t channel_cols = 0;       // bitline columns it occupies here: cpw
  std::int64_t channel_rows = 0;       // im2col rows it occupies in the layers that read it
  std::int64_t channel_cells = 0;      // cells: rows()*cpw here + rows*cpw*cout in its readers
  double macro_fraction = 0;           // channel_cells / (R*C): macros one channel costs
};

// The same, aggregated over a width group (the unit that is pruned and widened). A channel of a
// residual stage group lives in several batch norms; its importance is the largest |gamma| it
// has in any of them (a channel is only unimportant if it is unimportant everywhere).
struct GroupImportance {
  int group = 0;                       // index into NetworkShape::width_groups
  std::string name;                    // "stage1", "layer1.0.conv1", "fc1"
  int width = 0;                       // channels
  double sum = 0;                      // sum over the group's layers of their LayerImportance::sum
  double mean = 0;                     // sum / (width * layers with batch norm)
  double share = 0;                    // sum / network total, 0..1
  std::vector<double> channel;         // per channel: max over the group's layers of |gamma|
  std::int64_t channel_cells = 0;      // cells one channel of the group costs (all its layers)
  double importance_per_macro = 0;     // mean / (channel_cells / (R*C)): what a macro buys here
};

// What computeImportance() returns; plain data for the CLI, the run file and the UI.
struct ImportanceReport {
  std::vector<LayerImportance> layers;  // forward order
  std::vector<GroupImportance> groups;  // NetworkShape::width_groups order
  double total = 0;                     // sum over layers of LayerImportance::sum
  std::vector<int> ranked_layers;       // layer indices by share, highest first (BN layers only)
  std::vector<int> ranked_groups;       // group indices by importance_per_macro, highest first
};

}  // namespace cimscope
