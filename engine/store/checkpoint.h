#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace cimscope {

class H5File;

// One parameter or buffer of a network, by its module path ("layer1.0.conv1.weight").
struct NamedArray {
  std::string name;                  // dotted module path + "." + parameter name
  std::vector<std::int64_t> shape;   // row-major
  std::vector<float> values;         // float32, as the network holds them
};

// Per-epoch training history, one entry per completed epoch.
struct TrainingCurve {
  std::vector<std::int64_t> epoch;      // 1-based epoch number
  std::vector<double> train_loss;       // mean cross-entropy over the epoch
  std::vector<double> train_accuracy;   // fraction 0..1, on the (augmented) training batches
  std::vector<double> test_loss;        // on the test split after the epoch
  std::vector<double> test_accuracy;    // fraction 0..1
  std::vector<double> learning_rate;    // at the end of the epoch
  std::vector<double> seconds;          // wall time of the epoch

  std::size_t size() const { return epoch.size(); }
};

// Everything a checkpoint file holds (docs/hdf5-schema.md). Torch-free: the network side turns
// a module into NamedArrays and back.
struct CheckpointData {
  std::string network_spec_json;     // NetworkSpec as JSON text
  std::string training_config_json;  // the training config that produced it, JSON text
  std::string stage = "float";       // "float", "stage1", "stage2", ...
  std::int64_t epochs_completed = 0;
  std::vector<NamedArray> tensors;
  TrainingCurve curve;
  // Filled by readCheckpoint:
  std::string cimscope_version;
  std::string created;               // ISO 8601 UTC
};

// Writes to PATH.tmp-<pid> and renames it over PATH, so a crash never leaves half a checkpoint
// and an older checkpoint at PATH survives until the new one is complete.
void writeCheckpoint(const std::string& path, const CheckpointData& data);

// The same, and `extra` writes further groups (e.g. Stage 1's /morph) into the temporary file
// before it is renamed into place, so the extra groups are as atomic as the checkpoint itself.
// readCheckpoint() ignores groups it does not know.
void writeCheckpoint(const std::string& path, const CheckpointData& data,
                     const std::function<void(H5File&)>& extra);

// Throws StoreError naming the file and the problem: not HDF5 / truncated, not a cimscope
// checkpoint, newer format, missing or malformed members.
CheckpointData readCheckpoint(const std::string& path);
// The same checks and root attributes (spec, configs, stage, ...) without the tensors and the
// curve: cheap, for questions about a checkpoint that do not need its weights.
CheckpointData readCheckpointHeader(const std::string& path);

// "2026-12-01T19:35:34Z"
std::string utcTimestamp();

}  // namespace cimscope
