#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "engine/cim/macro_spec.h"
#include "engine/nn/layer_mode.h"

namespace cimscope {

// How Stage 2 quantizes a network for a macro (DESIGN.md section 1, docs/macro-model.md
// "ADC function"). Bits, row split and active wordlines come from the macro. Torch-free; stored
// in a quantized checkpoint's training_config under "quantization" (docs/hdf5-schema.md).
struct QuantConfig {
  MacroSpec macro;                   // weight_bits, input_bits, adc_bits, A, R, row_split
  bool per_channel_weights = false;  // one weight step per output channel (else per layer)
  bool per_column_adc = false;       // one ADC step per column tile (else per layer)
  bool exclude_first_last = false;   // keep the first and last weight layers in float
  bool channels_last = true;         // NHWC after the first conv (DESIGN.md section 7)
  LayerMode mode = LayerMode::kCim;  // the mode the network is in (as stored / to evaluate)

  // ConfigError naming "quantization.<field>" (or the macro's field).
  void validate() const;
  nlohmann::json toJson() const;
  // Unknown keys and wrong types are ConfigErrors naming `where` and the key.
  static QuantConfig fromJson(const nlohmann::json& j, const std::string& where);
};

}  // namespace cimscope
