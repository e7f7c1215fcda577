#pragma once

#include <string>
#include <vector>

#include "engine/adapt/train_config.h"
#include "engine/adapt/train_observer.h"
#include "engine/data/dataset_catalog.h"
#include "engine/nn/spec/network_spec.h"
#include "engine/store/checkpoint.h"

namespace cimscope {

// Accuracy and loss of a network on a split.
struct EvalResult {
  double accuracy = 0;                    // top-1, 0..1
  double loss = 0;                        // mean cross-entropy
  std::int64_t samples = 0;
  std::vector<double> class_accuracy;     // per class, 0..1 (NaN-free: 0 for absent classes)
  std::vector<std::int64_t> class_count;  // test samples per class
};

// A training run: config in, result out (STYLE.md rule 5). Torch-free header.
struct TrainJob {
  NetworkSpec network;           // its input shape and classes must match the data set
  TrainConfig train;
  std::string init_checkpoint;   // start from these weights ("" = fresh, seeded init)
  std::string out_checkpoint;    // written atomically after every epoch ("" = none)
  // With an out_checkpoint of this same job that stopped early (cancelled, killed), continue
  // after its last completed epoch instead of starting over.
  bool resume = false;
  std::string stage = "float";   // recorded in the checkpoint
  // What the data was, recorded in the checkpoint's training_config (docs/hdf5-schema.md).
  std::string dataset_name;
  std::int64_t subset_train = 0, subset_test = 0;
  void validate() const;
};

struct TrainResult {
  enum class Status { kCompleted, kCancelled };
  Status status = Status::kCompleted;
  int epochs_completed = 0;
  TrainingCurve curve;
  EvalResult final_eval;        // on the test split after the last completed epoch
  double seconds = 0;
  double images_per_second = 0;  // training throughput over the whole run
  std::vector<std::string> warnings;
};

// Whether `path` holds an unfinished run of `job` (same network, training and data): the epochs
// it completed, or -1 when it is not resumable.
int resumableEpochs(const TrainJob& job, const std::string& path);

// Trains on `data` (train split; evaluates on its test split after every epoch). A non-finite
// loss throws TrainingDiverged naming the epoch and batch; the last epoch's checkpoint, written
// before, survives. Cancellation (an observer returning false) stops at the next batch with
// status kCancelled and keeps the last completed epoch's checkpoint.
TrainResult trainNetwork(const TrainJob& job, const Dataset& data, TrainObserver& observer);

// Evaluates a checkpoint on the test split of `data`.
EvalResult evaluateCheckpoint(const std::string& checkpoint, const Dataset& data,
                              std::int64_t batch_size = 500);

// The NetworkSpec a checkpoint was trained with.
NetworkSpec checkpointNetworkSpec(const std::string& checkpoint);
// The data set name a checkpoint was trained on ("" when not recorded).
std::string checkpointDatasetName(const std::string& checkpoint);

// The network spec for `model` on `data`'s sample shape and class count.
NetworkSpec networkSpecFor(const std::string& model, const Dataset& data);

}  // namespace cimscope
