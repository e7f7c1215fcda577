#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/cim/macro_spec.h"
#include "engine/cim/mapping_totals.h"
#include "engine/data/dataset.h"

namespace cimscope {

// What to simulate: a Stage 2 checkpoint on a data set's test split. Torch-free.
struct SimulationConfig {
  std::string checkpoint;            // a quantized (Stage 2) checkpoint
  std::optional<MacroSpec> macro;    // default: the checkpoint's macro; another one may change
                                     // only fields that leave the arithmetic as trained
  bool per_slice = false;            // one product per cell slice (slower, same integers)
  bool compare_fake_quant = false;   // also run the fake-quantized forward and compare
  std::int64_t batch_size = 500;     // test images per batch
  int threads = 0;                   // torch intra-op threads; 0 = all cores
  void validate() const;             // ConfigError naming the field
};

// One weight layer's ADC activity over the run.
struct SimulatedLayer {
  std::string name;
  int psum_groups = 0;
  std::int64_t conversions = 0;   // simulated conversions (one per group partial sum)
  double clipped_fraction = 0;    // conversions that saturated, 0..1
  std::int64_t max_abs_psum = 0;  // largest |integer partial sum| seen
  bool quantized = true;          // false: excluded, run in float
};

struct SimulationResult {
  double accuracy = 0;            // top-1 of the simulated logits, 0..1
  std::int64_t samples = 0;
  std::vector<double> class_accuracy;
  std::vector<SimulatedLayer> layers;
  MappingTotals per_inference;    // the cost model for one image (docs/macro-model.md), of
                                  // the layers on the macro (excluded ones run in float)
  std::int64_t compute_cycles = 0;   // per_inference.latency_cycles * samples
  std::int64_t adc_conversions = 0;  // per_inference.adc_conversions * samples
  double energy_uj = 0;              // per_inference.energy_pj * samples / 1e6
  double seconds = 0;
  double images_per_second = 0;
  // compare_fake_quant only:
  bool compared = false;
  std::int64_t argmax_agreement = 0;  // test images with the same top-1 class
  double max_logit_difference = 0;    // max |simulated - fake-quantized| logit
  std::int64_t psum_mismatches = 0;   // integer partial sums that differ (must be 0)
  std::vector<std::string> warnings;
};

// Runs the bit-accurate macro simulator over the test split of `data`. StoreError / ConfigError
// for a float checkpoint, a mismatching data set or a macro that changes the arithmetic.
SimulationResult simulateCheckpoint(const SimulationConfig& config, const Dataset& data);

}  // namespace cimscope
