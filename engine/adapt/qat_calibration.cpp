#include "engine/adapt/qat_calibration.h"

#include "engine/data/batch_loader.h"
#include "engine/nn/quant_setup.h"

namespace cimscope {

void calibrateSteps(NetworkModelImpl& model, const Dataset& data, LayerMode mode,
                    const CalibrationRequest& request, int batches, std::int64_t batch_size) {
  BatchLoaderConfig bc;
  bc.batch_size = batch_size;
  bc.shuffle = false;
  BatchLoader loader = BatchLoader::forTraining(data, bc);
  const LayerMode old_mode = model.layers().front()->mode();
  const bool was_training = model.is_training();
  model.setMode(mode);
  model.eval();
  torch::NoGradGuard guard;
  const std::int64_t n = std::min<std::int64_t>(batches, loader.batchCount());
  for (std::int64_t b = 0; b < n; ++b) {
    Batch batch = loader.batch(b);
    torch::Tensor x = torch::from_blob(batch.data.data(),
                                       {batch.size(), batch.channels, batch.height, batch.width},
                                       torch::kFloat32);
    CalibrationRequest r = request;
    r.batch = static_cast<int>(b);
    requestCalibration(model, r);
    model.forward(x);
  }
  model.setMode(old_mode);
  if (was_training) model.train();
}

StoredWeights storedWeights(const NetworkModelImpl& model) {
  StoredWeights s;
  for (const auto& l : model.layers()) {
    const std::int64_t w = l->shape().weights();
    s.weights += w;
    s.bits += w * (l->quantized() ? l->quant().weight_bits : 32);
  }
  return s;
}

}  // namespace cimscope
