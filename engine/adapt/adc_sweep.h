#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/adapt/train_config.h"
#include "engine/adapt/train_observer.h"
#include "engine/cim/macro_spec.h"
#include "engine/data/dataset.h"

namespace cimscope {

// Accuracy versus ADC bits (DESIGN.md section 1, "the comparison that matters"). Torch-free.
struct AdcSweepJob {
  std::string in_checkpoint;  // ADC-unaware Stage 2 model (qat --adc-aware off); a float
                              // checkpoint is quantized post-training first (with a warning)
  std::string out_path;       // HDF5 results, rewritten atomically after every point ("" = none)
  std::vector<int> adc_bits = {3, 4, 5, 6, 7, 8};  // points, each 1..22
  int retrain_epochs = 1;     // ADC-aware retraining per point; 0 = curve (b) not computed
  TrainConfig retrain;        // schedule of the retraining (epochs = retrain_epochs)
  std::optional<MacroSpec> macro;  // default: the checkpoint's recorded macro
  int calibration_batches = 1;     // training batches that calibrate the ADC steps
  bool resume = true;         // keep points already in out_path when its setup matches
  std::string dataset_name;   // recorded in the results
  std::int64_t subset_train = 0, subset_test = 0;
  void validate() const;  // ConfigError naming the field
};

struct AdcSweepPoint {
  int adc_bits = 0;
  double unaware_accuracy = 0;  // (a) ADC-unaware model, ADC steps calibrated, no retraining
  double aware_accuracy = -1;   // (b) retrained ADC-aware at this bit count; -1 = not run
  double seconds = 0;
  bool resumed = false;         // read back from out_path, not recomputed
};

struct AdcSweepResult {
  enum class Status { kCompleted, kCancelled };
  Status status = Status::kCompleted;
  double float_accuracy = -1;      // the float baseline line (from the checkpoint; -1 unknown)
  double quantized_accuracy = 0;   // weights/activations only, no ADC (the LSQ line)
  std::vector<AdcSweepPoint> points;  // in adc_bits order
  std::vector<std::string> warnings;
};

// Hooks of the sweep: training progress of the retraining, plus every finished point.
class AdcSweepObserver : public TrainObserver {
 public:
  virtual bool onPoint(const AdcSweepPoint&) { return true; }
};

// Runs the sweep; a cancelled sweep keeps every finished point in out_path and a rerun with
// resume skips them (docs/hdf5-schema.md "ADC sweep").
AdcSweepResult runAdcSweep(const AdcSweepJob& job, const Dataset& data,
                           AdcSweepObserver& observer);

}  // namespace cimscope
