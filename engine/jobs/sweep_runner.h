#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/cim/mapping_totals.h"
#include "engine/jobs/experiment_config.h"

namespace cimscope {

// One evaluated point of a sweep.
struct SweepPoint {
  std::int64_t index = 0;                  // position in the Cartesian product
  std::vector<nlohmann::json> values;      // one per axis, in SweepConfig::axes order
  bool ok = true;
  std::string error;                       // why the point failed (e.g. A > R), "" if ok
  MappingTotals totals;                    // mapping and cost of the point
  double accuracy = std::numeric_limits<double>::quiet_NaN();  // NaN when not evaluated
  double seconds = 0;                      // wall time of the point
};

// Hooks of runSweep; return false to stop after the current point (cancellation).
class SweepObserver {
 public:
  virtual ~SweepObserver() = default;
  virtual bool onPoint(const SweepPoint& /*point*/, std::int64_t /*done*/, std::int64_t /*total*/) {
    return true;
  }
};

struct SweepResult {
  std::string path;
  std::int64_t total = 0;        // points in the product
  std::int64_t resumed = 0;      // found finished in the file
  std::int64_t evaluated = 0;    // run by this call
  std::int64_t failed = 0;       // of those, failed (their error is stored)
  bool cancelled = false;
  double seconds = 0;
};

// The axis values of point `index` (axes sorted by name, first axis slowest).
std::vector<nlohmann::json> sweepPointValues(const SweepConfig& sweep, std::int64_t index);

// Runs the sweep of `config` into `out` (docs/hdf5-schema.md, "Sweep files"). Without `resume`
// an existing `out` is an error (nothing is overwritten); with it, the points already in the
// file are skipped and the rest appended, after checking the file holds the same config.
// Points are computed on sweep.threads workers and appended and flushed as they finish.
SweepResult runSweep(const ExperimentConfig& config, const std::string& out, bool resume,
                     SweepObserver& observer);

}  // namespace cimscope
