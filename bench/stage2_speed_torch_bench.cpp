// Stage 2 speed targets (issue 6), measured side by side in one run:
//  - one CIM-mode (ADC-aware) training epoch against a float epoch of the same network, same
//    layout (channels-last after the first conv), same threads; target cim/float <= 1.5;
//  - the bit-accurate simulator against float inference over the same test images; target
//    simulator images/s >= 0.5 x float images/s.
//
//   [CIMSCOPE_BENCH_MODEL=resnet20] [CIMSCOPE_BENCH_DATASET=synthetic|fashion-mnist]
//   [CIMSCOPE_BENCH_TRAIN=2048] [CIMSCOPE_BENCH_TEST=1000] [CIMSCOPE_BENCH_THREADS=0]
//   [CIMSCOPE_BENCH_CHECKPOINT=FILE.h5] build/bench/stage2_speed_torch_bench
//
// With CIMSCOPE_BENCH_CHECKPOINT the network (its widths) and the starting weights are that
// checkpoint's, e.g. a Stage 1 output: the network Stage 2 actually trains. Otherwise the
// template CIMSCOPE_BENCH_MODEL at its default widths, seeded weights.
//
// After one untimed float epoch (warm-up), every iteration trains one epoch per mode from the
// same float weights (trainModel, batch 128, SGD, no augmentation) in the order float,
// quantized, cim, float-NCHW, so load from other processes hits all modes alike. Counters:
// seconds per epoch (training only, evaluation excluded) and the ratios; inference: images/s of
// float, fake-quantized CIM and simulator.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "engine/adapt/qat_calibration.h"
#include "engine/adapt/train_loop.h"
#include "engine/cim/sim/macro_simulator.h"
#include "engine/data/batch_loader.h"
#include "engine/data/dataset_catalog.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/nn/quant_setup.h"
#include "engine/nn/runtime_info.h"
#include "engine/nn/spec/network_templates.h"

namespace {

using namespace cimscope;

long envInt(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v ? std::atol(v) : fallback;
}
std::string envStr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

const Dataset& benchData() {
  static const Dataset d = [] {
    DatasetConfig c;
    c.name = envStr("CIMSCOPE_BENCH_DATASET", "synthetic");
    c.synthetic_train = envInt("CIMSCOPE_BENCH_TRAIN", 2048);
    c.synthetic_test = envInt("CIMSCOPE_BENCH_TEST", 1000);
    if (c.name != "synthetic") {
      c.subset_train = envInt("CIMSCOPE_BENCH_TRAIN", 2048);
      c.subset_test = envInt("CIMSCOPE_BENCH_TEST", 1000);
    }
    return loadDataset(c);
  }();
  return d;
}

class Quiet : public TrainObserver {};

double trainEpochSeconds(const NetworkShape& shape, const std::vector<NamedArray>& init,
                         LayerMode mode, bool channels_last, const QuantConfig& qc) {
  NetworkModel m = buildModel(shape, 1);
  m->loadStateArrays(init, "bench");
  if (mode != LayerMode::kFloat) {
    QuantConfig q = qc;
    q.mode = mode;
    q.channels_last = channels_last;
    configureQuantization(*m, q);
    calibrateSteps(*m, benchData(), LayerMode::kCim, {true, true, true, false}, 1, 128);
  }
  m->setChannelsLast(channels_last);
  m->setMode(mode);
  TrainConfig t;
  t.epochs = 1;
  t.batch_size = 128;
  t.lr = 0.01;
  t.warmup_epochs = 0;
  t.augment = false;
  t.threads = static_cast<int>(envInt("CIMSCOPE_BENCH_THREADS", 0));
  Quiet quiet;
  TrainHooks hooks;
  if (mode != LayerMode::kFloat) hooks.after_step = [](NetworkModelImpl& mm) { clampQuantizerSteps(mm); };
  TrainResult r = trainModel(*m, benchData(), t, quiet, hooks);
  return r.curve.seconds.at(0);
}

// The checkpoint named by CIMSCOPE_BENCH_CHECKPOINT, loaded once ("" = none).
const LoadedModel* benchCheckpoint() {
  static const std::unique_ptr<LoadedModel> loaded = []() -> std::unique_ptr<LoadedModel> {
    const std::string path = envStr("CIMSCOPE_BENCH_CHECKPOINT", "");
    if (path.empty()) return nullptr;
    return std::make_unique<LoadedModel>(loadModel(path));
  }();
  return loaded.get();
}

NetworkShape benchShape() {
  if (const LoadedModel* ck = benchCheckpoint()) return buildNetworkShape(ck->spec);
  NetworkSpec s;
  s.model = envStr("CIMSCOPE_BENCH_MODEL", "resnet20");
  const ImageSet& set = benchData().train;
  s.in_channels = set.channels;
  s.in_height = set.height;
  s.in_width = set.width;
  s.classes = benchData().classes();
  return buildNetworkShape(s);
}

void BM_TrainEpochSideBySide(benchmark::State& state) {
  const NetworkShape shape = benchShape();
  const std::vector<NamedArray> init = benchCheckpoint() ? benchCheckpoint()->model->stateArrays()
                                                         : buildModel(shape, 7)->stateArrays();
  const QuantConfig qc;  // reference-256: W4/A4, 5-bit ADC, 256 active wordlines
  // Untimed warm-up epoch: the process's first epoch pays one-off costs (the thread pool, the
  // allocator's first growth), about 1 s of a 3 s float epoch here; timed, it went to float.
  trainEpochSeconds(shape, init, LayerMode::kFloat, true, qc);
  double f = 0, q = 0, c = 0, fn = 0;
  int n = 0;
  for (auto _ : state) {
    f += trainEpochSeconds(shape, init, LayerMode::kFloat, true, qc);
    q += trainEpochSeconds(shape, init, LayerMode::kQuantized, true, qc);
    c += trainEpochSeconds(shape, init, LayerMode::kCim, true, qc);
    fn += trainEpochSeconds(shape, init, LayerMode::kFloat, false, qc);
    ++n;
  }
  state.counters["float_s"] = f / n;
  state.counters["quant_s"] = q / n;
  state.counters["cim_s"] = c / n;
  state.counters["float_nchw_s"] = fn / n;
  state.counters["quant_over_float"] = q / f;
  state.counters["cim_over_float"] = c / f;  // target <= 1.5
  state.counters["train_images"] = static_cast<double>(benchData().train.size());
}
BENCHMARK(BM_TrainEpochSideBySide)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

void BM_InferenceSideBySide(benchmark::State& state) {
  setComputeThreads(static_cast<int>(envInt("CIMSCOPE_BENCH_THREADS", 0)));
  const NetworkShape shape = benchShape();
  NetworkModel m = buildModel(shape, 7);
  if (benchCheckpoint()) m->loadStateArrays(benchCheckpoint()->model->stateArrays(), "bench");
  QuantConfig qc;
  configureQuantization(*m, qc);
  calibrateSteps(*m, benchData(), LayerMode::kCim, {true, true, true, false}, 1, 128);
  m->eval();
  MacroSimulator sim(*m, qc.macro);
  BatchLoaderConfig bc;
  bc.batch_size = 500;
  BatchLoader loader = BatchLoader::forEvaluation(benchData(), bc);
  std::vector<Batch> batches;
  Batch b;
  while (loader.next(b)) batches.push_back(b);
  using Clock = std::chrono::steady_clock;
  double tf = 0, tq = 0, ts = 0;
  std::int64_t images = 0;
  torch::NoGradGuard guard;
  auto asTensor = [](Batch& b) {
    return torch::from_blob(b.data.data(), {b.size(), b.channels, b.height, b.width},
                            torch::kFloat32);
  };
  if (!batches.empty()) {  // untimed warm-up of each path, as in the training bench
    const torch::Tensor x = asTensor(batches[0]);
    m->setMode(LayerMode::kFloat);
    benchmark::DoNotOptimize(m->forward(x));
    m->setMode(LayerMode::kCim);
    benchmark::DoNotOptimize(m->forward(x));
    benchmark::DoNotOptimize(sim.forward(x));
  }
  for (auto _ : state) {
    for (auto& batch : batches) {
      const torch::Tensor x = asTensor(batch);
      auto t0 = Clock::now();
      m->setMode(LayerMode::kFloat);
      benchmark::DoNotOptimize(m->forward(x));
      auto t1 = Clock::now();
      m->setMode(LayerMode::kCim);
      benchmark::DoNotOptimize(m->forward(x));
      auto t2 = Clock::now();
      benchmark::DoNotOptimize(sim.forward(x));
      auto t3 = Clock::now();
      tf += std::chrono::duration<double>(t1 - t0).count();
      tq += std::chrono::duration<double>(t2 - t1).count();
      ts += std::chrono::duration<double>(t3 - t2).count();
      images += batch.size();
    }
  }
  state.counters["float_img_s"] = images / tf;
  state.counters["fakequant_img_s"] = images / tq;
  state.counters["simulator_img_s"] = images / ts;
  state.counters["sim_over_float_speed"] = tf / ts;  // target >= 0.5
}
BENCHMARK(BM_InferenceSideBySide)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
