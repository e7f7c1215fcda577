#include "engine/cim/sim/simulation.h"

#include <chrono>

#include "engine/adapt/train_loop.h"
#include "engine/cim/network_mapper.h"
#include "engine/cim/row_partition.h"
#include "engine/cim/sim/macro_simulator.h"
#include "engine/common/errors.h"
#include "engine/data/batch_loader.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/nn/runtime_info.h"

namespace cimscope {

void SimulationConfig::validate() const {
  if (checkpoint.empty()) throw ConfigError("simulate: checkpoint must be given");
  if (batch_size < 1) {
    throw ConfigError("simulate.batch_size = " + std::to_string(batch_size) + " must be >= 1");
  }
  if (threads < 0 || threads > 1024) {
    throw ConfigError("simulate.threads = " + std::to_string(threads) + " is out of range 0..1024");
  }
  if (macro) macro->validate();
}

namespace {

// A macro other than the trained one may change timing, energy, columns, ADC count, cells and
// chip size, but not what the ADC sees.
void checkSameArithmetic(const NetworkShape& net, const MacroSpec& trained, const MacroSpec& m) {
  auto same = [&](const char* field, int a, int b) {
    if (a != b) {
      throw ConfigError(std::string("simulate: macro ") + field + " = " + std::to_string(b) +
                        " but the checkpoint was trained with " + std::to_string(a) +
                        " (run qat or adc-sweep for other values)");
    }
  };
  same("weight_bits", trained.weight_bits, m.weight_bits);
  same("input_bits", trained.input_bits, m.input_bits);
  same("adc_bits", trained.adc_bits, m.adc_bits);
  for (const auto& l : net.layers) {
    const auto a = RowPartition::of(l, trained).groups, b = RowPartition::of(l, m).groups;
    bool eq = a.size() == b.size();
    for (std::size_t i = 0; eq && i < a.size(); ++i) eq = a[i].begin == b[i].begin && a[i].end == b[i].end;
    if (!eq) {
      throw ConfigError("simulate: the macro's rows / active_wordlines / row_split give layer " +
                        l.name + " other wordline groups than the checkpoint was trained with");
    }
  }
}

}  // namespace

SimulationResult simulateCheckpoint(const SimulationConfig& config, const Dataset& data) {
  config.validate();
  LoadedModel loaded = loadModel(config.checkpoint);
  if (!loaded.quant) {
    throw ConfigError(config.checkpoint + " is not quantized (no Stage 2 quantization recorded); "
                      "run `cimscope-cli qat` first");
  }
  checkNetworkMatchesData(loaded.spec, data);
  NetworkModelImpl& model = *loaded.model;
  const MacroSpec macro = config.macro ? *config.macro : loaded.quant->macro;
  checkSameArithmetic(model.shape(), loaded.quant->macro, macro);
  setComputeThreads(config.threads);
  model.eval();
  model.setMode(LayerMode::kCim);
  MacroSimulator sim(model, macro, config.per_slice);

  SimulationResult r;
  if (loaded.quant->mode != LayerMode::kCim) {
    r.warnings.push_back(config.checkpoint + " was trained in mode " +
                         toString(loaded.quant->mode) + " (ADC-unaware); its ADC steps are the "
                         "ones calibrated after training");
  }
  BatchLoaderConfig bc;
  bc.batch_size = config.batch_size;
  BatchLoader loader = BatchLoader::forEvaluation(data, bc);
  const int classes = data.classes();
  std::vector<std::int64_t> correct(static_cast<std::size_t>(classes), 0),
      count(static_cast<std::size_t>(classes), 0);
  const auto t0 = std::chrono::steady_clock::now();
  double compare_seconds = 0;
  Batch b;
  torch::NoGradGuard guard;
  while (loader.next(b)) {
    torch::Tensor x = torch::from_blob(b.data.data(), {b.size(), b.channels, b.height, b.width},
                                       torch::kFloat32);
    if (config.compare_fake_quant) sim.setCapturePartialSums(true);
    torch::Tensor logits = sim.forward(x);
    torch::Tensor pred = logits.argmax(1);
    if (config.compare_fake_quant) {
      const auto c0 = std::chrono::steady_clock::now();
      for (auto& l : model.layers()) l->setCapturePartialSums(true);
      torch::Tensor ref = model.forward(x);
      r.compared = true;
      r.argmax_agreement += pred.eq(ref.argmax(1)).sum().item<std::int64_t>();
      r.max_logit_difference =
          std::max(r.max_logit_difference, (logits - ref).abs().max().item<double>());
      for (std::size_t i = 0; i < model.layers().size(); ++i) {
        const auto& a = model.layers()[i]->capturedPartialSums();
        const auto& s = sim.capturedPartialSums()[i];
        for (std::size_t g = 0; g < std::min(a.size(), s.size()); ++g) {
          r.psum_mismatches += a[g].ne(s[g]).sum().item<std::int64_t>();
        }
        if (a.size() != s.size()) r.psum_mismatches += 1;
        model.layers()[i]->setCapturePartialSums(false);
      }
      sim.setCapturePartialSums(false);
      compare_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - c0).count();
    }
    auto pa = pred.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < b.size(); ++i) {
      const auto label = b.labels[static_cast<std::size_t>(i)];
      ++count[label];
      if (pa[i] == label) ++correct[label];
    }
    r.samples += b.size();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() -
              compare_seconds;
  r.images_per_second = r.seconds > 0 ? r.samples / r.seconds : 0;
  std::int64_t total = 0;
  for (int c = 0; c < classes; ++c) {
    total += correct[c];
    r.class_accuracy.push_back(count[c] ? static_cast<double>(correct[c]) / count[c] : 0.0);
  }
  r.accuracy = r.samples ? static_cast<double>(total) / r.samples : 0;
  // The cost of what the macro runs: layers kept in float (--exclude-first-last) run outside
  // it, so they take no tiles, cycles, conversions or energy here.
  NetworkShape on_macro = model.shape();
  on_macro.layers.clear();
  for (const auto& l : model.layers()) {
    if (l->quantized()) on_macro.layers.push_back(l->shape());
  }
  const MappingReport map = mapNetwork(on_macro, macro);
  r.per_inference = map.total;
  r.compute_cycles = map.total.latency_cycles * r.samples;
  r.adc_conversions = map.total.adc_conversions * r.samples;
  r.energy_uj = map.total.energy_pj * static_cast<double>(r.samples) / 1e6;
  for (std::size_t i = 0; i < model.layers().size(); ++i) {
    const CimLayerImpl& l = *model.layers()[i];
    SimulatedLayer sl;
    sl.name = l.shape().name;
    sl.quantized = l.quantized();
    sl.psum_groups = static_cast<int>(l.quant().groups.size());
    sl.conversions = sim.stats()[i].conversions;
    sl.clipped_fraction =
        sl.conversions ? static_cast<double>(sim.stats()[i].clipped) / sl.conversions : 0;
    sl.max_abs_psum = sim.stats()[i].max_abs_psum;
    r.layers.push_back(sl);
  }
  r.warnings.insert(r.warnings.end(), map.warnings.begin(), map.warnings.end());
  return r;
}

}  // namespace cimscope
