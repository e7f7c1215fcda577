#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "engine/adapt/adc_sweep.h"
#include "engine/jobs/experiment_config.h"
#include "engine/store/run_file.h"

namespace cimscope {

// Where the whole run stands; the CLI prints it, the GUI shows it. Torch-free.
struct PipelineProgress {
  std::string stage;            // "baseline", "stage1", "stage2", "stage2_unaware", "adc_sweep", ...
  int stage_index = 0;          // 0-based position among the run's stages
  int stage_count = 0;
  double stage_fraction = 0;    // 0..1 of the current stage
  double fraction = 0;          // 0..1 of the whole run (stages weighted by their epochs)
  double eta_seconds = 0;       // for the whole run, from the progress of this invocation
  std::string message;          // e.g. "epoch 3/10 batch 120/469 loss 0.41 acc 85.3%"
};

// Hooks of runPipeline. Progress comes at most every batch; onStage when a stage is recorded
// in the run file (its results can be shown at once).
class PipelineObserver {
 public:
  virtual ~PipelineObserver() = default;
  virtual void onProgress(const PipelineProgress&) {}
  virtual void onStage(const StageSummary&) {}
  virtual void onLog(const std::string&) {}
};

struct PipelineResult {
  enum class Status { kCompleted, kCancelled };
  Status status = Status::kCompleted;
  std::string run_file;
  std::string stages_dir;               // the stages' own files
  std::vector<StageSummary> stages;     // completed, in order (resumed ones included)
  std::vector<std::string> resumed;     // stages found finished and not run again
  AdcSweepResult adc_sweep;             // when the adc_sweep stage ran in this call
  std::vector<std::string> warnings;
  double seconds = 0;
};

// The stages `config` enables, in order.
std::vector<std::string> pipelineStages(const ExperimentConfig& config);

// Runs baseline training (or takes baseline.checkpoint), Stage 1, Stage 2 (ADC-aware, and
// ADC-unaware for the comparison), and the ADC sweep, recording each stage in `run_file` as
// soon as it finishes (docs/hdf5-schema.md, "Run files"). The stages' own files go to
// `<run_file>.stages/`. `cancel` is polled every batch: a cancelled run keeps every finished
// stage. With `resume`, finished stages are not redone and an interrupted baseline continues
// after its last completed epoch; without it an existing run file is an error.
PipelineResult runPipeline(const ExperimentConfig& config, const std::string& run_file,
                           bool resume, PipelineObserver& observer,
                           const std::atomic<bool>& cancel);

}  // namespace cimscope
