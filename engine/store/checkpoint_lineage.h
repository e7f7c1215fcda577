#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/nn/spec/network_spec.h"

namespace cimscope {

// Where a checkpoint came from, as the files themselves record it (docs/hdf5-schema.md): a
// Stage 1 output's /morph group names its float baseline and holds that network's widths and
// accuracy (a Stage 1 run on a Stage 1 output leads on to that file's baseline); a Stage 2 output's training_config "qat" names its source checkpoint, which is read
// in turn when it can be found (an absolute path, or one relative to the Stage 2 file's folder).
// Lets the UI put an opened adapted checkpoint into the Stage 1 / Stage 2 columns beside the
// baseline it was made from, instead of calling it a baseline. Torch-free.
struct LineageNetwork {
  bool known = false;
  NetworkSpec network;   // template, input and widths
  double accuracy = -1;  // 0..1 test accuracy as recorded (Stage 2: with partial sums through the ADC)
  std::string file;      // the checkpoint it is stored in, resolved; "" when no file holds it
  std::int64_t weights = 0;  // conv/linear weights (what the macros store)
  std::int64_t epochs = 0;   // epochs its file records; 0 when the file was not read
};

struct CheckpointLineage {
  std::string stage;        // the opened file's stage: "float", "stage1", "stage2"
  LineageNetwork baseline;  // the float network Stage 1 (or Stage 2) started from
  LineageNetwork stage1;    // the morphed network
  LineageNetwork stage2;    // the quantized network (stage2 only)
  // Stage 2 only: weight bits stored (quantized layers at weight_bits, layers kept in float at
  // 32) and 1 - stored_bits / (32 x weights of the baseline), or of the Stage 2 network itself
  // when the baseline is not known (baseline.known false).
  std::int64_t stored_bits = 0;
  double compression = 0;
  bool first_last_in_float = false;  // trained with --exclude-first-last: not on the macro
  // What could not be traced, one line each ("source resnet20_s1.h5 not found next to ...").
  std::vector<std::string> notes;
};

// StoreError when `path` is not a readable checkpoint; a missing or unreadable source is a note,
// not an error (the opened file alone still fills its own column).
CheckpointLineage readCheckpointLineage(const std::string& path);

}  // namespace cimscope
