#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "engine/cim/macro_spec.h"
#include "engine/data/dataset.h"
#include "engine/nn/network_model.h"
#include "engine/nn/quant_config.h"
#include "engine/store/checkpoint.h"

namespace cimscope {

// A checkpoint's network made to run the way `macro` would (torch-level): quantized for the
// macro's weight and input bits, partial sums through its ADC (LayerMode::kCim). ADC steps are
// always calibrated on `calibration_batches` training batches; weight and activation steps too
// when the checkpoint is float (`quantized` false) or was trained for other weight/input bits.
// `quant` is the checkpoint's trained quantization (defaults for a float checkpoint). Nothing is
// retrained. Shared by sweeps in "evaluate" mode and the GUI's quick evaluation.
NetworkModel calibratedCimModel(const NetworkShape& shape, const std::vector<NamedArray>& state,
                                const QuantConfig& quant, bool quantized,
                                const std::string& path, const MacroSpec& macro,
                                const Dataset& data, int calibration_batches);

// What the GUI's quick evaluation at the slider position runs.
struct QuickEvalConfig {
  std::string checkpoint;         // the open checkpoint (float, Stage 1 or Stage 2)
  MacroSpec macro;                // the design point the sliders are on
  int calibration_batches = 2;    // training batches that set the quantizer steps, >= 1
  std::int64_t batch_size = 100;  // test images per forward; cancellation is checked between

  void validate() const;          // ConfigError naming the field
};

struct QuickEvalResult {
  bool cancelled = false;
  double accuracy = std::numeric_limits<double>::quiet_NaN();  // 0..1, NaN when cancelled
  std::int64_t images = 0;        // test images evaluated
  bool trained_quantization = false;  // the checkpoint holds trained LSQ steps (Stage 2)
  double seconds = 0;
};

// Top-1 accuracy of `config.checkpoint` on data.test with `config.macro` (calibratedCimModel):
// not retrained. `cancel` is polled before calibration and between test batches; a cancelled
// evaluation returns with `cancelled` set. StoreError / ConfigError for a bad checkpoint, a
// macro that cannot hold the network or a network that does not fit the data.
QuickEvalResult quickEvaluate(const QuickEvalConfig& config, const Dataset& data,
                              const std::atomic<bool>& cancel);

}  // namespace cimscope
