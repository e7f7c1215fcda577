#pragma once

#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/nn/cim_layer.h"
#include "engine/nn/spec/network_shape.h"
#include "engine/store/checkpoint.h"

namespace cimscope {

// The LibTorch network of a NetworkShape: one CimConv2d / CimLinear per weight layer (in
// NetworkShape::layers order), batch norms, and the forward ops. Module paths match the layer
// names ("layer1.0.conv1"), so parameter names read "layer1.0.conv1.weight".
class NetworkModelImpl : public torch::nn::Module {
 public:
  explicit NetworkModelImpl(const NetworkShape& shape);

  torch::Tensor forward(const torch::Tensor& x);
  // The same walk over the ops with weight layer i computed by layer_fn(i, input) instead of
  // the layer itself (the macro simulator runs its own arithmetic through the network's BN,
  // pooling and shortcuts this way).
  using LayerFn = std::function<torch::Tensor(int layer, const torch::Tensor& x)>;
  torch::Tensor forward(const torch::Tensor& x, const LayerFn& layer_fn);

  const NetworkShape& shape() const { return shape_; }
  // Weight layers in NetworkShape::layers order.
  const std::vector<std::shared_ptr<CimLayerImpl>>& layers() const { return layers_; }
  // The batch norm after weight layer i, or nullptr (1-D or 2-D, as a generic module).
  torch::nn::Module* batchNormOf(int layer) const;
  // Every batch norm's weight (gamma), per weight layer (undefined where a layer has none).
  torch::Tensor bnWeight(int layer) const;

  void setMode(LayerMode mode);
  // NHWC activations after every conv (DESIGN.md section 7: oneDNN is faster so, and a
  // 1-channel input does not propagate channels-last by itself). Default off.
  void setChannelsLast(bool on) { channels_last_ = on; }
  bool channelsLast() const { return channels_last_; }

  // Every parameter and buffer as plain arrays (for checkpoints), in module order.
  std::vector<NamedArray> stateArrays() const;
  // Loads arrays written by stateArrays(). Throws StoreError naming `source`, the tensor and
  // both shapes when a tensor is missing, unexpected or of another shape than the spec gives.
  void loadStateArrays(const std::vector<NamedArray>& arrays, const std::string& source);

 private:
  torch::nn::Module& containerFor(const std::string& dotted_path, std::string* leaf);

  NetworkShape shape_;
  std::vector<std::shared_ptr<CimLayerImpl>> layers_;
  std::vector<torch::nn::AnyModule> bn_modules_;        // per op index (empty where not a BN)
  std::vector<torch::nn::Module*> bn_of_layer_;         // per weight layer
  std::vector<torch::Tensor*> bn_weight_of_layer_;      // gamma per weight layer
  std::vector<char> keep_output_;                       // ops whose output a shortcut reads
  std::map<std::string, std::shared_ptr<torch::nn::Module>> containers_;
  bool channels_last_ = false;
};
TORCH_MODULE(NetworkModel);

// Builds the model of `shape` with seeded initialization.
NetworkModel buildModel(const NetworkShape& shape, std::uint64_t seed);

// Copies channels from `from` into `to` (same template; widths may differ). sources[g][j] is the
// channel of `from`'s width group g that becomes channel j of `to`'s group g, or -1 for a new
// channel, which keeps `to`'s own initialization (batch norm: gamma 1, beta 0, mean 0, var 1
// unless `to` already holds other values). Kept channels keep their weights, biases and batch
// norm parameters and statistics exactly. Throws ConfigError on a mismatch.
void transferChannels(NetworkModelImpl& from, NetworkModelImpl& to,
                      const std::vector<std::vector<int>>& sources);

}  // namespace cimscope
