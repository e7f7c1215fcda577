#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "engine/cim/macro_spec.h"
#include "engine/nn/network_model.h"

namespace cimscope {

// Counters of one simulated weight layer, summed over the images run.
struct SimLayerStats {
  std::int64_t conversions = 0;  // ADC conversions simulated (one per group partial sum)
  std::int64_t clipped = 0;      // conversions that saturated at the ADC's range
  std::int64_t max_abs_psum = 0;  // largest |integer partial sum| seen
};

// The bit-accurate macro simulator (DESIGN.md section 2, docs/macro-model.md "Simulator").
// Every quantized layer runs as the macro does: integer input codes, weights stored as
// offset-binary codes split into cell_bits slices per cell, one integer partial sum per
// wordline group (RowPartition::of), the shared ADC function quantCode(), integer digital
// accumulation, then the rescale; the non-CIM ops (batch norm, pooling, shortcuts) run in
// float through the network's own modules. Torch-level: the facade is simulation.h.
class MacroSimulator {
 public:
  // `model` must be configured for quantization (configureQuantization); it is not changed.
  // per_slice: every cell slice gets its own product, shift-added before the ADC (analog
  // combine, exactly as the columns sum); otherwise the slices are combined into the integer
  // weight once, at load time (the same integers, fewer products).
  MacroSimulator(NetworkModelImpl& model, const MacroSpec& macro, bool per_slice = false);

  torch::Tensor forward(const torch::Tensor& x);

  // Keeps the integer partial sums (int32, NCHW / [N, cout]) of the next forwards, per layer
  // and wordline group, to compare with CimLayerImpl::capturedPartialSums().
  void setCapturePartialSums(bool on);
  const std::vector<std::vector<torch::Tensor>>& capturedPartialSums() const { return captured_; }
  const std::vector<SimLayerStats>& stats() const { return stats_; }

 private:
  struct Cells {
    torch::Tensor slices;  // [cpw_slices, cout, rows] uint8 cell values (offset binary)
    torch::Tensor weights;  // [cout, ...] float integer weights reassembled from the cells
    std::vector<torch::Tensor> slice_weights;  // per slice, float, weight shape
    std::int64_t offset = 0;  // 2^(weight_bits-1): the offset-binary zero
  };
  torch::Tensor simulateLayer(int index, const torch::Tensor& x);
  std::vector<torch::Tensor> groupSums(int index, const torch::Tensor& xc,
                                       const torch::Tensor& w);

  NetworkModelImpl& model_;
  MacroSpec macro_;
  bool per_slice_;
  std::vector<Cells> cells_;
  bool capture_ = false;
  std::vector<std::vector<torch::Tensor>> captured_;
  std::vector<SimLayerStats> stats_;
};

}  // namespace cimscope
