#include "engine/jobs/macro_evaluation.h"

#include <chrono>
#include <torch/torch.h>

#include "engine/adapt/qat_calibration.h"
#include "engine/adapt/train_loop.h"
#include "engine/common/errors.h"
#include "engine/data/batch_loader.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/nn/quant_setup.h"

namespace cimscope {

NetworkModel calibratedCimModel(const NetworkShape& shape, const std::vector<NamedArray>& state,
                                const QuantConfig& quant, bool quantized,
                                const std::string& path, const MacroSpec& macro,
                                const Dataset& data, int calibration_batches) {
  QuantConfig qc = quant;
  const bool same_bits = quantized && qc.macro.weight_bits == macro.weight_bits &&
                         qc.macro.input_bits == macro.input_bits;
  qc.macro = macro;
  qc.mode = LayerMode::kCim;
  NetworkModel model = buildModel(shape, 1);
  // A Stage 2 checkpoint's steps are tensors of the quantized model: configure first so they
  // load; a float checkpoint loads into the plain model.
  if (quantized) {
    configureQuantization(*model, qc);
    model->loadStateArrays(state, path);
  } else {
    model->loadStateArrays(state, path);
    configureQuantization(*model, qc);
  }
  CalibrationRequest req;
  req.weights = !same_bits;
  req.activations = !same_bits;
  req.adc = true;
  req.adc_mse = true;
  calibrateSteps(*model, data, LayerMode::kCim, req, calibration_batches, 128);
  return model;
}

void QuickEvalConfig::validate() const {
  if (checkpoint.empty()) throw ConfigError("quick evaluation: checkpoint is empty");
  if (calibration_batches < 1) {
    throw ConfigError("quick evaluation: calibration_batches = " +
                      std::to_string(calibration_batches) + ", expected >= 1");
  }
  if (batch_size < 1) {
    throw ConfigError("quick evaluation: batch_size = " + std::to_string(batch_size) +
                      ", expected >= 1");
  }
  macro.validate();
}

QuickEvalResult quickEvaluate(const QuickEvalConfig& config, const Dataset& data,
                              const std::atomic<bool>& cancel) {
  const auto t0 = std::chrono::steady_clock::now();
  config.validate();
  QuickEvalResult r;
  LoadedModel loaded = loadModel(config.checkpoint);
  checkNetworkMatchesData(loaded.spec, data);
  r.trained_quantization = loaded.quant.has_value();
  if (cancel.load()) {
    r.cancelled = true;
    return r;
  }
  NetworkModel model = calibratedCimModel(
      loaded.model->shape(), loaded.file.tensors, loaded.quant.value_or(QuantConfig{}),
      loaded.quant.has_value(), config.checkpoint, config.macro, data, config.calibration_batches);
  // evaluateModel's loop, with a cancellation check between batches.
  BatchLoaderConfig bc;
  bc.batch_size = config.batch_size;
  BatchLoader loader = BatchLoader::forEvaluation(data, bc);
  torch::NoGradGuard no_grad;
  model->eval();
  std::int64_t correct = 0;
  Batch b;
  while (loader.next(b)) {
    if (cancel.load()) {
      r.cancelled = true;
      r.images = 0;
      return r;
    }
    const torch::Tensor x = torch::from_blob(b.data.data(),
                                             {b.size(), b.channels, b.height, b.width},
                                             torch::kFloat32);
    const torch::Tensor pred = model->forward(x).argmax(1);
    auto pa = pred.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < b.size(); ++i) {
      correct += pa[i] == b.labels[static_cast<std::size_t>(i)] ? 1 : 0;
    }
    r.images += b.size();
  }
  r.accuracy = r.images ? static_cast<double>(correct) / r.images : 0;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace cimscope
