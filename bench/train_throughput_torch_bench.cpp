// Training throughput of cimscope's trainer next to a plain LibTorch loop over the same network,
// in one run (issue 4): the ratio shows what our trainer (NetworkSpec model, batch loader,
// observers, per-batch NaN check and accuracy) costs over the bare minimum.
//
//   [CIMSCOPE_BENCH_THREADS=1] build/bench/train_throughput_torch_bench
//
// Both sides: same data (seeded synthetic 1x28x28, 10 classes), batch 128, SGD with Nesterov
// momentum, weight decay, no augmentation, one epoch per iteration, the same torch threads.
// The plain side defines the networks with torch::nn::Conv2d / BatchNorm2d / Linear directly
// (an independent definition of the same architecture) and trains on pre-built tensors.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>

#include "engine/adapt/trainer.h"
#include "engine/data/batch_loader.h"
#include "engine/data/dataset_catalog.h"
#include "engine/nn/runtime_info.h"

namespace {

using namespace cimscope;
namespace nn = torch::nn;

// --- plain LibTorch definitions ---------------------------------------------------------------

struct PlainLeNetImpl : nn::Module {
  nn::Conv2d c1{nn::Conv2dOptions(1, 6, 5).bias(false)}, c2{nn::Conv2dOptions(6, 16, 5).bias(false)};
  nn::BatchNorm2d b1{6}, b2{16};
  nn::Linear f1{nn::LinearOptions(256, 120).bias(false)}, f2{nn::LinearOptions(120, 84).bias(false)},
      f3{84, 10};
  nn::BatchNorm1d b3{120}, b4{84};
  PlainLeNetImpl() {
    register_module("c1", c1); register_module("c2", c2); register_module("b1", b1);
    register_module("b2", b2); register_module("f1", f1); register_module("f2", f2);
    register_module("f3", f3); register_module("b3", b3); register_module("b4", b4);
  }
  torch::Tensor forward(torch::Tensor x) {
    x = torch::max_pool2d(torch::relu(b1(c1(x))), 2);
    x = torch::max_pool2d(torch::relu(b2(c2(x))), 2).flatten(1);
    x = torch::relu(b3(f1(x)));
    x = torch::relu(b4(f2(x)));
    return f3(x);
  }
};
TORCH_MODULE(PlainLeNet);

struct PlainVggImpl : nn::Module {
  std::vector<nn::Conv2d> convs;
  std::vector<nn::BatchNorm2d> bns;
  nn::Linear f1{nullptr}, f2{nullptr};
  nn::BatchNorm1d b7{1024};
  PlainVggImpl(int in_c, int hw) {
    const int w[6] = {128, 128, 256, 256, 512, 512};
    int c = in_c;
    for (int i = 0; i < 6; ++i) {
      convs.push_back(register_module("c" + std::to_string(i),
                                      nn::Conv2d(nn::Conv2dOptions(c, w[i], 3).padding(1).bias(false))));
      bns.push_back(register_module("b" + std::to_string(i), nn::BatchNorm2d(w[i])));
      c = w[i];
    }
    const int s = hw / 8;
    f1 = register_module("f1", nn::Linear(nn::LinearOptions(512 * s * s, 1024).bias(false)));
    f2 = register_module("f2", nn::Linear(1024, 10));
    register_module("b7", b7);
  }
  torch::Tensor forward(torch::Tensor x) {
    for (int i = 0; i < 6; ++i) {
      x = torch::relu(bns[i](convs[i](x)));
      if (i % 2 == 1) x = torch::max_pool2d(x, 2);
    }
    return f2(torch::relu(b7(f1(x.flatten(1)))));
  }
};
TORCH_MODULE(PlainVgg);

struct PlainBlockImpl : nn::Module {
  nn::Conv2d c1{nullptr}, c2{nullptr};
  nn::BatchNorm2d b1{nullptr}, b2{nullptr};
  int stride, in_c, out_c;
  PlainBlockImpl(int in, int out, int s) : stride(s), in_c(in), out_c(out) {
    c1 = register_module("c1", nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(s).padding(1).bias(false)));
    b1 = register_module("b1", nn::BatchNorm2d(out));
    c2 = register_module("c2", nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1).bias(false)));
    b2 = register_module("b2", nn::BatchNorm2d(out));
  }
  torch::Tensor forward(torch::Tensor x) {
    torch::Tensor y = b2(c2(torch::relu(b1(c1(x)))));
    torch::Tensor sc = stride > 1 ? x.slice(2, 0, c10::nullopt, stride).slice(3, 0, c10::nullopt, stride) : x;
    if (out_c > in_c) sc = torch::constant_pad_nd(sc, {0, 0, 0, 0, 0, out_c - in_c});
    return torch::relu(y + sc);
  }
};
TORCH_MODULE(PlainBlock);

struct PlainResNet20Impl : nn::Module {
  nn::Conv2d stem{nn::Conv2dOptions(1, 16, 3).padding(1).bias(false)};
  nn::BatchNorm2d bn{16};
  nn::Sequential blocks;
  nn::Linear fc{64, 10};
  PlainResNet20Impl() {
    register_module("stem", stem);
    register_module("bn", bn);
    int c = 16;
    for (int s = 0; s < 3; ++s) {
      for (int k = 0; k < 3; ++k) {
        const int out = 16 << s;
        blocks->push_back(PlainBlock(c, out, (s > 0 && k == 0) ? 2 : 1));
        c = out;
      }
    }
    register_module("blocks", blocks);
    register_module("fc", fc);
  }
  torch::Tensor forward(torch::Tensor x) {
    x = blocks->forward(torch::relu(bn(stem(x))));
    return fc(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1));
  }
};
TORCH_MODULE(PlainResNet20);

// --- shared set-up ----------------------------------------------------------------------------

const Dataset& data(std::int64_t n) {
  static std::map<std::int64_t, Dataset> cache;
  auto it = cache.find(n);
  if (it == cache.end()) {
    DatasetConfig c;
    c.name = "synthetic";
    c.synthetic_train = n;
    c.synthetic_test = 128;
    it = cache.emplace(n, loadDataset(c)).first;
  }
  return it->second;
}

std::int64_t samplesFor(const std::string& model) { return model == "vgg8" ? 1024 : 4096; }

// Torch threads of both sides: $CIMSCOPE_BENCH_THREADS, default all cores. On a machine busy
// with other work use 1: OpenMP teams larger than the free cores wait on each other.
int benchThreads() {
  const char* e = std::getenv("CIMSCOPE_BENCH_THREADS");
  return e ? std::atoi(e) : 0;
}

TrainConfig config() {
  TrainConfig c;
  c.epochs = 1;
  c.batch_size = 128;
  c.lr = 0.05;
  c.augment = false;
  c.threads = benchThreads();
  c.eval_batch_size = 128;
  return c;
}

template <typename Net>
void plainLoop(benchmark::State& state, const std::string& model, Net net) {
  setComputeThreads(benchThreads());
  const Dataset& d = data(samplesFor(model));
  BatchLoaderConfig bc;
  bc.batch_size = 128;
  bc.shuffle = false;
  BatchLoader loader = BatchLoader::forTraining(d, bc);
  std::vector<torch::Tensor> xs, ys;
  Batch b;
  while (loader.next(b)) {
    xs.push_back(torch::from_blob(b.data.data(), {b.size(), 1, 28, 28}, torch::kFloat32).clone());
    ys.push_back(torch::from_blob(b.labels.data(), {b.size()}, torch::kLong).clone());
  }
  const TrainConfig c = config();
  torch::optim::SGD opt(net->parameters(), torch::optim::SGDOptions(c.lr).momentum(0.9).nesterov(true)
                                               .weight_decay(c.weight_decay));
  net->train();
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    double sum = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      opt.zero_grad();
      torch::Tensor loss = torch::nn::functional::cross_entropy(net->forward(xs[i]), ys[i]);
      sum += loss.item<double>();
      loss.backward();
      opt.step();
    }
    benchmark::DoNotOptimize(sum);
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  state.SetItemsProcessed(state.iterations() * d.train.size());
  state.SetLabel("plain LibTorch loop, " + std::to_string(d.train.size()) + " images/epoch");
}

void ourTrainer(benchmark::State& state, const std::string& model) {
  const Dataset& d = data(samplesFor(model));
  TrainJob job;
  job.network = networkSpecFor(model, d);
  job.train = config();
  TrainObserver none;
  double images = 0;
  for (auto _ : state) {
    TrainResult r = trainNetwork(job, d, none);
    // Training time only (the per-epoch test evaluation is not part of a training step).
    state.SetIterationTime(r.curve.seconds.at(0));
    images += static_cast<double>(d.train.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(images));
  state.SetLabel("cimscope trainNetwork, " + std::to_string(d.train.size()) + " images/epoch");
}

void BM_Plain_lenet5(benchmark::State& s) { plainLoop(s, "lenet5", PlainLeNet()); }
void BM_Ours_lenet5(benchmark::State& s) { ourTrainer(s, "lenet5"); }
void BM_Plain_resnet20(benchmark::State& s) { plainLoop(s, "resnet20", PlainResNet20()); }
void BM_Ours_resnet20(benchmark::State& s) { ourTrainer(s, "resnet20"); }
void BM_Plain_vgg8(benchmark::State& s) { plainLoop(s, "vgg8", PlainVgg(1, 28)); }
void BM_Ours_vgg8(benchmark::State& s) { ourTrainer(s, "vgg8"); }

// Interleaved so that a change in machine load hits both sides of a pair alike.
BENCHMARK(BM_Plain_lenet5)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_Ours_lenet5)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2);
BENCHMARK(BM_Plain_resnet20)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Ours_resnet20)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Plain_vgg8)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_Ours_vgg8)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
