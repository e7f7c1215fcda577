#include "engine/nn/quant_setup.h"

#include "engine/cim/layer_mapper.h"
#include "engine/cim/row_partition.h"
#include "engine/nn/spec/network_shape.h"

namespace cimscope {

LayerQuantSpec layerQuantSpec(const NetworkShape& shape, int index, const QuantConfig& c) {
  const LayerShape& l = shape.layers.at(static_cast<std::size_t>(index));
  LayerQuantSpec s;
  s.enabled = !keptInFloat(static_cast<std::size_t>(index), shape.layers.size(),
                           c.exclude_first_last);
  s.weight_bits = c.macro.weight_bits;
  s.input_bits = c.macro.input_bits;
  s.adc_bits = c.macro.adc_bits;
  // The first layer reads the normalized image, which is signed; every other layer reads
  // ReLU outputs (after pooling / shortcuts), which are not.
  s.input_signed = index == 0;
  s.per_channel_weights = c.per_channel_weights;
  s.per_column_adc = c.per_column_adc;
  s.row_split = c.macro.row_split;
  if (s.enabled) {
    const LayerMapping m = mapLayer(l, c.macro);
    s.weights_per_col_tile = m.weights_per_tile;
    s.col_tiles = m.col_tiles;
    s.groups = RowPartition::of(l, c.macro).groups;
  }
  return s;
}

void configureQuantization(NetworkModelImpl& model, const QuantConfig& config) {
  config.validate();
  const NetworkShape& shape = model.shape();
  for (std::size_t i = 0; i < model.layers().size(); ++i) {
    model.layers()[i]->configureQuant(layerQuantSpec(shape, static_cast<int>(i), config));
  }
  model.setChannelsLast(config.channels_last);
  model.setMode(config.mode);
}

void requestCalibration(NetworkModelImpl& model, const CalibrationRequest& request) {
  for (auto& l : model.layers()) {
    if (l->quantized()) l->requestCalibration(request);
  }
}

void clampQuantizerSteps(NetworkModelImpl& model) {
  torch::NoGradGuard g;
  for (auto& l : model.layers()) {
    if (!l->quantized()) continue;
    l->act_step.clamp_min_(1e-6);
    l->weight_step.clamp_min_(1e-8);
    l->adc_step.clamp_min_(1e-3);
  }
}

}  // namespace cimscope
