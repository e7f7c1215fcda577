#pragma once

#include <functional>

#include "engine/adapt/train_config.h"
#include "engine/adapt/train_observer.h"
#include "engine/adapt/trainer.h"
#include "engine/data/dataset.h"
#include "engine/nn/network_model.h"

namespace cimscope {

// Extension points of the training loop, for the stages built on it (torch-level API).
struct TrainHooks {
  // Added to the cross-entropy of every step (Stage 1's resource-weighted L1). Its mean value
  // over the epoch is reported in EpochReport::regularizer.
  std::function<torch::Tensor(NetworkModelImpl&)> regularizer;
  // Replaces a step's loss: given the batch's images (as the model saw them, augmented), the
  // model's logits and the cross-entropy on the labels, returns the loss to minimise (Stage 2's
  // distillation from a float teacher). The regularizer, if any, is added to it.
  std::function<torch::Tensor(const torch::Tensor& images, const torch::Tensor& logits,
                              const torch::Tensor& cross_entropy)>
      loss;
  // After every optimizer step (e.g. to clamp learned quantizer steps).
  std::function<void(NetworkModelImpl&)> after_step;
  // After every completed epoch, before the observer hears of it: write a checkpoint.
  std::function<void(NetworkModelImpl&, const TrainingCurve&, int epoch)> on_epoch_end;
  // Resuming an interrupted run: the epochs already done (their curve), so training starts at
  // epoch prior_curve.size() + 1 with the learning-rate schedule where it was. The optimizer's
  // momentum starts afresh (it is not stored in checkpoints).
  TrainingCurve prior_curve;
};

// Trains `model` in place on data.train, evaluating on data.test after every epoch. Same
// contract as trainNetwork: TrainingDiverged names the epoch and batch, an observer returning
// false cancels at the next batch.
TrainResult trainModel(NetworkModelImpl& model, const Dataset& data, const TrainConfig& config,
                       TrainObserver& observer, const TrainHooks& hooks = {});

// Top-1 accuracy, mean loss and per-class accuracy on data.test (eval mode, no gradients).
EvalResult evaluateModel(NetworkModelImpl& model, const Dataset& data, std::int64_t batch_size);

// ConfigError when the network's input shape or class count differs from the data set's.
void checkNetworkMatchesData(const NetworkSpec& network, const Dataset& data);

}  // namespace cimscope
