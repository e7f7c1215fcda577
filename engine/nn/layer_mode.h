#pragma once

#include <string>

namespace cimscope {

// How a weight layer computes (Stage 2 switches it without rebuilding the network). Torch-free.
enum class LayerMode {
  kFloat,      // plain float32 convolution / matrix product
  kQuantized,  // weights and activations fake-quantized (LSQ)
  kCim,        // quantized + partial sums per wordline group through the ADC
};

const char* toString(LayerMode mode);  // "float", "quantized", "cim"
// Throws ConfigError naming `field`, the value and the choices.
LayerMode parseLayerMode(const std::string& s, const std::string& field = "mode");

}  // namespace cimscope
