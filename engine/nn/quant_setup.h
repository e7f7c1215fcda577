#pragma once

#include "engine/nn/cim_layer.h"
#include "engine/nn/network_model.h"
#include "engine/nn/quant_config.h"

namespace cimscope {

// The LayerQuantSpec of layer `index` of `shape` under `config`: bits from the macro, wordline
// groups from RowPartition::of (the mapper's rule), column tiles from mapLayer. Throws
// ConfigError when the macro cannot hold the layer.
LayerQuantSpec layerQuantSpec(const NetworkShape& shape, int index, const QuantConfig& config);

// Gives every weight layer its LSQ steps (initialised to 1; calibrate them next), sets the
// layout (channels_last) and the mode (config.mode). Can be called again with another config
// (e.g. other adc_bits); steps keep their names, so checkpoints stay loadable.
void configureQuantization(NetworkModelImpl& model, const QuantConfig& config);

// The next forward of every quantized layer initialises the requested steps from its data.
void requestCalibration(NetworkModelImpl& model, const CalibrationRequest& request);

// Keeps learned steps positive (a TrainHooks::after_step).
void clampQuantizerSteps(NetworkModelImpl& model);

}  // namespace cimscope
