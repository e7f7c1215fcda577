#include "engine/nn/quant_config.h"

#include <nlohmann/json.hpp>

#include "engine/cim/macro_spec_json.h"
#include "engine/common/errors.h"

namespace cimscope {

const char* toString(LayerMode mode) {
  switch (mode) {
    case LayerMode::kFloat: return "float";
    case LayerMode::kQuantized: return "quantized";
    case LayerMode::kCim: return "cim";
  }
  return "?";
}

LayerMode parseLayerMode(const std::string& s, const std::string& field) {
  if (s == "float") return LayerMode::kFloat;
  if (s == "quantized") return LayerMode::kQuantized;
  if (s == "cim") return LayerMode::kCim;
  throw ConfigError(field + " = '" + s + "' is not one of float, quantized, cim");
}

void QuantConfig::validate() const {
  macro.validate();
  // The training forward holds partial sums as integer-valued float32: exact below 2^24.
  if (macro.weight_bits > 12 || macro.input_bits > 12) {
    throw ConfigError("quantization: weight_bits = " + std::to_string(macro.weight_bits) +
                      ", input_bits = " + std::to_string(macro.input_bits) +
                      "; Stage 2 supports up to 12 bits each");
  }
  if (macro.adc_bits > 22) {
    throw ConfigError("quantization: adc_bits = " + std::to_string(macro.adc_bits) +
                      " exceeds 22 (codes are rounded exactly up to 2^22)");
  }
  if (macro.slice_combine != SliceCombine::kAnalog) {
    throw ConfigError(
        "quantization: slice_combine = digital is not modelled by Stage 2 (the ADC sees the "
        "analog-combined partial sum of a whole weight); use analog");
  }
}

nlohmann::json QuantConfig::toJson() const {
  return {{"macro", macroSpecToJson(macro)},
          {"per_channel_weights", per_channel_weights},
          {"per_column_adc", per_column_adc},
          {"exclude_first_last", exclude_first_last},
          {"channels_last", channels_last},
          {"mode", toString(mode)}};
}

QuantConfig QuantConfig::fromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw ConfigError(where + ": quantization is not a JSON object");
  QuantConfig q;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const auto& v = it.value();
    auto boolean = [&](bool& field) {
      if (!v.is_boolean()) throw ConfigError(where + ": quantization." + k + " must be true/false");
      field = v.get<bool>();
    };
    if (k == "macro") {
      q.macro = macroSpecFromJson(v, where + " quantization.macro");
    } else if (k == "per_channel_weights") {
      boolean(q.per_channel_weights);
    } else if (k == "per_column_adc") {
      boolean(q.per_column_adc);
    } else if (k == "exclude_first_last") {
      boolean(q.exclude_first_last);
    } else if (k == "channels_last") {
      boolean(q.channels_last);
    } else if (k == "mode") {
      if (!v.is_string()) throw ConfigError(where + ": quantization.mode must be a string");
      q.mode = parseLayerMode(v.get<std::string>(), where + ": quantization.mode");
    } else {
      throw ConfigError(where + ": unknown key quantization." + k);
    }
  }
  q.validate();
  return q;
}

}  // namespace cimscope
