#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/store/record_table.h"

namespace cimscope {

// One finished pipeline stage as the run file's /summary table holds it (docs/hdf5-schema.md,
// "Run files"). Quantities of the stage's network mapped on the run's macro.
struct StageSummary {
  std::string name;             // "baseline", "stage1", "stage2", "stage2_unaware", "adc_sweep", ...
  std::string file;             // the stage's own file (in the run's .stages folder)
  double accuracy = 0;          // test top-1 of the stage's network, 0..1 (NaN: not evaluated)
  std::int64_t params = 0;
  std::int64_t weights = 0;
  std::int64_t stored_bits = 0;    // weight bits stored (float32 for float stages)
  double compression = 0;          // 1 - stored_bits / (32 * baseline weights)
  std::int64_t macros = 0;
  double utilization = 0;
  std::int64_t weight_load_cycles_per_inference = 0;
  std::int64_t latency_cycles = 0;
  double energy_pj = 0;
  double seconds = 0;           // wall time of the stage
};

// What a run file says about itself.
struct RunFileState {
  std::string config_json;                 // the experiment config the run was started with
  std::vector<std::string> completed;      // stage names, in order
  std::vector<StageSummary> summaries;     // one per completed stage
};

// Creates or updates the run file, atomically (a copy is changed and renamed over it): copies
// `stage_file`'s whole content into /stages/<summary.name>, appends the summary row and records
// the stage as completed. The first call creates the file with `config_json`.
void recordStage(const std::string& run_path, const std::string& config_json,
                 const StageSummary& summary, const std::string& stage_file);

// StoreError when the file is not a run file.
RunFileState readRunFile(const std::string& run_path);

std::vector<TableColumn> stageSummaryColumns();

}  // namespace cimscope
