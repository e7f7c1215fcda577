#include "engine/adapt/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <future>
#include <thread>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"
#include "engine/data/batch_loader.h"
#include "engine/adapt/train_loop.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/nn/network_model.h"
#include "engine/nn/runtime_info.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/spec_json.h"

namespace cimscope {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Wraps a torch-free Batch without copying; the Batch must outlive the tensors.
torch::Tensor imagesOf(Batch& b) {
  return torch::from_blob(b.data.data(), {b.size(), b.channels, b.height, b.width},
                          torch::kFloat32);
}
torch::Tensor labelsOf(Batch& b) {
  return torch::from_blob(b.labels.data(), {b.size()}, torch::kLong);
}

}  // namespace

void checkNetworkMatchesData(const NetworkSpec& n, const Dataset& d) {
  const ImageSet& s = d.train.size() ? d.train : d.test;
  if (n.in_channels != s.channels || n.in_height != s.height || n.in_width != s.width) {
    throw ConfigError("network input " + std::to_string(n.in_channels) + "x" +
                      std::to_string(n.in_height) + "x" + std::to_string(n.in_width) +
                      " does not match data set " + d.name + " samples " +
                      std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" +
                      std::to_string(s.width));
  }
  if (n.classes != d.classes()) {
    throw ConfigError("network classes = " + std::to_string(n.classes) + " but data set " +
                      d.name + " has " + std::to_string(d.classes()) + " classes");
  }
}

EvalResult evaluateModel(NetworkModelImpl& model, const Dataset& data, std::int64_t batch_size) {
  BatchLoaderConfig bc;
  bc.batch_size = batch_size;
  BatchLoader loader = BatchLoader::forEvaluation(data, bc);
  torch::NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  EvalResult r;
  const int classes = data.classes();
  r.class_accuracy.assign(static_cast<std::size_t>(classes), 0.0);
  r.class_count.assign(static_cast<std::size_t>(classes), 0);
  std::vector<std::int64_t> correct(static_cast<std::size_t>(classes), 0);
  double loss_sum = 0;
  Batch b;
  while (loader.next(b)) {
    torch::Tensor x = imagesOf(b), y = labelsOf(b);
    torch::Tensor logits = model.forward(x);
    loss_sum += torch::nn::functional::cross_entropy(
                    logits, y,
                    torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                    .item<double>();
    torch::Tensor pred = logits.argmax(1);
    auto pa = pred.accessor<std::int64_t, 1>();
    for (std::int64_t i = 0; i < b.size(); ++i) {
      const auto label = b.labels[static_cast<std::size_t>(i)];
      ++r.class_count[label];
      if (pa[i] == label) ++correct[label];
    }
    r.samples += b.size();
  }
  std::int64_t total_correct = 0;
  for (int c = 0; c < classes; ++c) {
    total_correct += correct[c];
    r.class_accuracy[c] = r.class_count[c] ? static_cast<double>(correct[c]) / r.class_count[c] : 0;
  }
  r.accuracy = r.samples ? static_cast<double>(total_correct) / r.samples : 0;
  r.loss = r.samples ? loss_sum / r.samples : 0;
  if (was_training) model.train();
  return r;
}

namespace {

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(NetworkModelImpl& model,
                                                       const TrainConfig& c) {
  if (c.optimizer == "adam") {
    return std::make_unique<torch::optim::Adam>(
        model.parameters(), torch::optim::AdamOptions(c.lr).weight_decay(c.weight_decay));
  }
  return std::make_unique<torch::optim::SGD>(
      model.parameters(), torch::optim::SGDOptions(c.lr)
                              .momentum(c.momentum)
                              .nesterov(c.nesterov && c.momentum > 0)
                              .weight_decay(c.weight_decay));
}

void setLearningRate(torch::optim::Optimizer& opt, double lr) {
  for (auto& group : opt.param_groups()) {
    if (auto* sgd = dynamic_cast<torch::optim::SGDOptions*>(&group.options())) sgd->lr(lr);
    if (auto* adam = dynamic_cast<torch::optim::AdamOptions*>(&group.options())) adam->lr(lr);
  }
}

}  // namespace

void TrainJob::validate() const {
  network.validate();
  train.validate();
  if (stage.empty()) throw ConfigError("train job stage must not be empty");
}

NetworkSpec networkSpecFor(const std::string& model, const Dataset& data) {
  const ImageSet& s = data.train.size() ? data.train : data.test;
  NetworkSpec n;
  n.model = model;
  n.in_channels = s.channels;
  n.in_height = s.height;
  n.in_width = s.width;
  n.classes = data.classes();
  n.validate();
  return n;
}

NetworkSpec checkpointNetworkSpec(const std::string& checkpoint) {
  return networkSpecFromCheckpointText(readCheckpointHeader(checkpoint).network_spec_json,
                                       checkpoint);
}

std::string checkpointDatasetName(const std::string& checkpoint) {
  CheckpointData ck = readCheckpointHeader(checkpoint);
  try {
    const auto j = nlohmann::json::parse(ck.training_config_json);
    if (j.contains("dataset") && j["dataset"].contains("name")) {
      return j["dataset"]["name"].get<std::string>();
    }
  } catch (const nlohmann::json::exception&) {
  }
  return "";
}

EvalResult evaluateCheckpoint(const std::string& checkpoint, const Dataset& data,
                              std::int64_t batch_size) {
  LoadedModel loaded = loadModel(checkpoint);
  checkNetworkMatchesData(loaded.spec, data);
  return evaluateModel(*loaded.model, data, batch_size);
}

TrainResult trainModel(NetworkModelImpl& model, const Dataset& data, const TrainConfig& c,
                       TrainObserver& observer, const TrainHooks& hooks) {
  c.validate();
  if (data.train.size() == 0) throw DataError(data.name + ": the training split is empty");
  setComputeThreads(c.threads);
  model.train();
  auto optimizer = makeOptimizer(model, c);

  BatchLoaderConfig bc;
  bc.batch_size = c.batch_size;
  bc.shuffle = true;
  bc.seed = c.seed;
  bc.random_crop = c.augment;
  bc.horizontal_flip = c.augment;
  BatchLoader loader = BatchLoader::forTraining(data, bc);
  const std::int64_t steps_per_epoch = loader.batchCount();
  const std::int64_t total_steps = steps_per_epoch * c.epochs;

  TrainResult result;
  const auto run_start = Clock::now();
  const int first_epoch = static_cast<int>(hooks.prior_curve.size()) + 1;
  result.curve = hooks.prior_curve;
  result.epochs_completed = first_epoch - 1;
  std::int64_t step = steps_per_epoch * (first_epoch - 1);
  const std::int64_t first_step = step;
  std::int64_t images_total = 0;
  double train_seconds = 0;
  const auto ce_options =
      torch::nn::functional::CrossEntropyFuncOptions().label_smoothing(c.label_smoothing);
  const bool prefetch =
      static_cast<unsigned>(at::get_num_threads()) < std::max(1u, std::thread::hardware_concurrency());

  for (int epoch = first_epoch; epoch <= c.epochs; ++epoch) {
    loader.setEpoch(epoch);
    const auto epoch_start = Clock::now();
    double loss_sum = 0, reg_sum = 0;
    std::int64_t correct = 0, seen = 0;
    double lr = c.learningRate(step, steps_per_epoch);
    // Build the next batch on another thread while this one trains, where a core is free for
    // it. When torch's threads take every core, a second thread would stall torch's OpenMP
    // team at each of its barriers instead (measured: bench/train_throughput_torch_bench), so
    // the batch is built in line.
    std::future<Batch> next;
    if (prefetch) next = std::async(std::launch::async, [&loader] { return loader.batch(0); });
    for (std::int64_t bi = 0; bi < steps_per_epoch; ++bi) {
      Batch b = prefetch ? next.get() : loader.batch(bi);
      if (prefetch && bi + 1 < steps_per_epoch) {
        next = std::async(std::launch::async, [&loader, bi] { return loader.batch(bi + 1); });
      }
      lr = c.learningRate(step, steps_per_epoch);
      setLearningRate(*optimizer, lr);
      torch::Tensor x = imagesOf(b), y = labelsOf(b);
      optimizer->zero_grad();
      torch::Tensor logits = model.forward(x);
      torch::Tensor loss = torch::nn::functional::cross_entropy(logits, y, ce_options);
      if (hooks.loss) loss = hooks.loss(x, logits, loss);
      if (hooks.regularizer) {
        torch::Tensor reg = hooks.regularizer(model);
        reg_sum += reg.item<double>() * static_cast<double>(b.size());
        loss = loss + reg;
      }
      const double loss_value = loss.item<double>();
      if (!std::isfinite(loss_value)) {
        if (next.valid()) next.wait();
        throw TrainingDiverged("training diverged: loss is " + std::to_string(loss_value) +
                               " at epoch " + std::to_string(epoch) + ", batch " +
                               std::to_string(bi + 1) + " of " + std::to_string(steps_per_epoch) +
                               " (try a lower learning rate; the checkpoint of epoch " +
                               std::to_string(epoch - 1) + " is kept)");
      }
      loss.backward();
      optimizer->step();
      if (hooks.after_step) hooks.after_step(model);
      ++step;
      loss_sum += loss_value * static_cast<double>(b.size());
      {
        // One small operator instead of argmax + eq + sum: each costs a parallel region.
        const torch::Tensor pred = logits.detach().argmax(1);
        const auto pa = pred.accessor<std::int64_t, 1>();
        for (std::int64_t i = 0; i < b.size(); ++i) correct += pa[i] == b.labels[i];
      }
      seen += b.size();

      TrainProgress p;
      p.epoch = epoch;
      p.epochs = c.epochs;
      p.batch = bi + 1;
      p.batches = steps_per_epoch;
      p.loss = loss_sum / static_cast<double>(seen);
      p.accuracy = static_cast<double>(correct) / static_cast<double>(seen);
      p.learning_rate = lr;
      const double es = secondsSince(epoch_start);
      p.images_per_second = es > 0 ? static_cast<double>(seen) / es : 0;
      p.fraction = static_cast<double>(step) / static_cast<double>(std::max<std::int64_t>(1, total_steps));
      const double elapsed = secondsSince(run_start);
      const double done_here = static_cast<double>(step - first_step);
      p.eta_seconds = done_here > 0 ? elapsed * static_cast<double>(total_steps - step) / done_here : 0;
      if (!observer.onBatch(p)) {
        if (next.valid()) next.wait();
        result.status = TrainResult::Status::kCancelled;
        break;
      }
    }
    if (result.status == TrainResult::Status::kCancelled) break;
    const double epoch_seconds = secondsSince(epoch_start);
    train_seconds += epoch_seconds;
    images_total += seen;

    EvalResult ev = evaluateModel(model, data, c.eval_batch_size);
    EpochReport rep;
    rep.epoch = epoch;
    rep.train_loss = loss_sum / static_cast<double>(std::max<std::int64_t>(1, seen));
    rep.train_accuracy = static_cast<double>(correct) / static_cast<double>(std::max<std::int64_t>(1, seen));
    rep.test_loss = ev.loss;
    rep.test_accuracy = ev.accuracy;
    rep.learning_rate = lr;
    rep.regularizer = reg_sum / static_cast<double>(std::max<std::int64_t>(1, seen));
    rep.seconds = epoch_seconds;
    rep.images_per_second = epoch_seconds > 0 ? static_cast<double>(seen) / epoch_seconds : 0;
    result.curve.epoch.push_back(epoch);
    result.curve.train_loss.push_back(rep.train_loss);
    result.curve.train_accuracy.push_back(rep.train_accuracy);
    result.curve.test_loss.push_back(rep.test_loss);
    result.curve.test_accuracy.push_back(rep.test_accuracy);
    result.curve.learning_rate.push_back(lr);
    result.curve.seconds.push_back(epoch_seconds);
    result.epochs_completed = epoch;
    result.final_eval = ev;
    if (hooks.on_epoch_end) hooks.on_epoch_end(model, result.curve, epoch);
    if (!observer.onEpochEnd(rep)) {
      if (epoch < c.epochs) result.status = TrainResult::Status::kCancelled;
      break;
    }
  }
  if (result.epochs_completed == 0 && c.epochs > 0) {
    result.warnings.push_back("no epoch completed; no checkpoint was written");
  }
  if (c.epochs == 0) {
    result.final_eval = evaluateModel(model, data, c.eval_batch_size);
    if (hooks.on_epoch_end) hooks.on_epoch_end(model, result.curve, 0);
  } else if (first_epoch > c.epochs) {
    // Resumed after the last epoch (killed before the caller's work after training): nothing
    // to train, the final evaluation is still owed.
    result.final_eval = evaluateModel(model, data, c.eval_batch_size);
  }
  result.seconds = secondsSince(run_start);
  result.images_per_second = train_seconds > 0 ? static_cast<double>(images_total) / train_seconds : 0;
  return result;
}


namespace {

std::string trainingConfigJson(const TrainJob& job) {
  return nlohmann::json{{"train", job.train.toJson()},
                        {"dataset",
                         {{"name", job.dataset_name},
                          {"subset_train", job.subset_train},
                          {"subset_test", job.subset_test}}}}
      .dump();
}

}  // namespace

int resumableEpochs(const TrainJob& job, const std::string& path) {
  if (!std::filesystem::exists(path)) return -1;
  try {
    CheckpointData ck = readCheckpoint(path);
    if (ck.stage != job.stage || ck.training_config_json != trainingConfigJson(job) ||
        ck.network_spec_json != networkSpecToJson(job.network).dump()) {
      return -1;
    }
    return static_cast<int>(ck.epochs_completed);
  } catch (const Error&) {
    return -1;
  }
}

TrainResult trainNetwork(const TrainJob& job, const Dataset& data, TrainObserver& observer) {
  job.validate();
  checkNetworkMatchesData(job.network, data);
  NetworkShape shape = buildNetworkShape(job.network);
  NetworkModel model = buildModel(shape, job.train.seed);
  if (!job.init_checkpoint.empty()) {
    LoadedModel init = loadModel(job.init_checkpoint);
    if (init.spec.model != job.network.model || init.model->shape().widths() != shape.widths()) {
      throw ConfigError(job.init_checkpoint + ": its network (" + init.spec.model +
                        ") differs from the one to train (" + job.network.model + ")");
    }
    model = init.model;
  }
  const std::string config_json = trainingConfigJson(job);
  TrainHooks hooks;
  if (job.resume && !job.out_checkpoint.empty() && resumableEpochs(job, job.out_checkpoint) > 0) {
    LoadedModel prior = loadModel(job.out_checkpoint);
    model = prior.model;
    hooks.prior_curve = prior.file.curve;
  }
  if (!job.out_checkpoint.empty()) {
    hooks.on_epoch_end = [&](NetworkModelImpl& m, const TrainingCurve& curve, int epoch) {
      saveModel(job.out_checkpoint, m, job.network, job.stage, config_json, curve, epoch);
    };
  }
  return trainModel(*model, data, job.train, observer, hooks);
}

}  // namespace cimscope
