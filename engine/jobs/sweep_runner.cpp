#include "engine/jobs/sweep_runner.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "engine/cim/macro_spec_json.h"
#include "engine/adapt/morph.h"
#include "engine/adapt/qat.h"
#include "engine/data/dataset_catalog.h"
#include "engine/adapt/qat_calibration.h"
#include "engine/adapt/train_loop.h"
#include "engine/cim/network_mapper.h"
#include "engine/jobs/macro_evaluation.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/nn/quant_setup.h"
#include "engine/common/errors.h"
#include "engine/common/version.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/checkpoint.h"
#include "engine/store/h5_file.h"
#include "engine/store/record_table.h"

namespace cimscope {

namespace {

constexpr const char* kFormat = "cimscope-sweep";
constexpr std::int64_t kFormatVersion = 1;
constexpr const char* kTable = "/points";

using Clock = std::chrono::steady_clock;

bool numericAxis(const std::vector<nlohmann::json>& values) {
  for (const auto& v : values) {
    if (!v.is_number()) return false;
  }
  return true;
}

std::vector<TableColumn> sweepColumns(const SweepConfig& s) {
  using T = TableColumn::Type;
  std::vector<TableColumn> cols = {{"index", T::kInt64, 0},
                                   {"status", T::kString, 8},
                                   {"error", T::kString, 160}};
  for (const auto& [name, values] : s.axes) {
    cols.push_back({name, numericAxis(values) ? T::kFloat64 : T::kString, 24});
  }
  // "stored_bits", not "weight_bits": that name is a macro field a sweep may vary.
  for (const char* n : {"tiles", "macros", "used_cells", "params", "weights", "stored_bits",
                        "compute_cycles", "weight_load_cycles_per_inference",
                        "initial_load_cycles", "latency_cycles", "adc_conversions"}) {
    cols.push_back({n, T::kInt64, 0});
  }
  for (const char* n : {"utilization", "latency_us", "energy_pj", "accuracy", "seconds"}) {
    cols.push_back({n, T::kFloat64, 0});
  }
  return cols;
}

TableRow rowOf(const SweepPoint& p, const SweepConfig& s) {
  TableRow r;
  r.emplace_back(p.index);
  r.emplace_back(std::string(p.ok ? "ok" : "failed"));
  r.emplace_back(p.error);
  std::size_t i = 0;
  for (const auto& [name, values] : s.axes) {
    const auto& v = p.values[i++];
    if (numericAxis(values)) r.emplace_back(v.get<double>());
    else r.emplace_back(v.is_string() ? v.get<std::string>() : v.dump());
  }
  const MappingTotals& t = p.totals;
  for (std::int64_t v : {t.tiles, t.macros, t.used_cells, t.params, t.weights, t.weight_bits,
                         t.compute_cycles, t.weight_load_cycles_per_inference,
                         t.initial_load_cycles, t.latency_cycles, t.adc_conversions}) {
    r.emplace_back(v);
  }
  for (double v : {t.utilization, t.latency_us, t.energy_pj, p.accuracy, p.seconds}) {
    r.emplace_back(v);
  }
  return r;
}

// The part of the config a sweep's points depend on; a resumed file must hold the same.
std::string identityOf(const ExperimentConfig& c) {
  nlohmann::json j = c.toJson();
  j["sweep"].erase("threads");  // how many workers ran it does not change a point
  return j.dump();
}

// What "evaluate" points share: the checkpoint's network, weights and quantization, and data.
struct EvalContext {
  NetworkShape shape;
  std::vector<NamedArray> state;       // the checkpoint's tensors
  QuantConfig quant;                   // its quantization (defaults for a float checkpoint)
  bool quantized = false;              // the checkpoint holds trained LSQ steps
  std::string path;
  const Dataset* data = nullptr;
  int calibration_batches = 2;
  bool retrain = false;                // "retrain": ADC-aware QAT on each point's macro
  std::string scratch;                 // folder for a point's Stage 1 network
  const ExperimentConfig* config = nullptr;
};

// "retrain": the checkpoint fine-tuned ADC-aware (Stage 2) for the point's macro, then its
// accuracy with partial sums through that ADC.
double retrainOn(const EvalContext& ctx, const MacroSpec& macro, const std::string& from) {
  QatJob job;
  job.in_checkpoint = from.empty() ? ctx.path : from;
  job.quant.macro = macro;
  job.quant.per_channel_weights = ctx.config->stage2.per_channel_weights;
  job.quant.per_column_adc = ctx.config->stage2.per_column_adc;
  job.quant.exclude_first_last = ctx.config->stage2.exclude_first_last;
  job.adc_aware = true;
  job.train = ctx.config->stage2.train;
  job.calibration_batches = ctx.config->stage2.calibration_batches;
  TrainObserver none;
  return runQat(job, *ctx.data, none).cim_eval.accuracy;
}

// Accuracy of the checkpoint on `macro`: quantized for its bits, steps calibrated, partial sums
// through the ADC, no retraining (calibratedCimModel).
double evaluateOn(const EvalContext& ctx, const MacroSpec& macro) {
  NetworkModel model = calibratedCimModel(ctx.shape, ctx.state, ctx.quant, ctx.quantized,
                                          ctx.path, macro, *ctx.data, ctx.calibration_batches);
  return evaluateModel(*model, *ctx.data, 500).accuracy;
}

SweepPoint evaluatePoint(const ExperimentConfig& config, const NetworkShape& shape,
                         const MacroSpec& base, std::int64_t index, const EvalContext* eval) {
  SweepPoint p;
  p.index = index;
  p.values = sweepPointValues(config.sweep, index);
  const auto t0 = Clock::now();
  try {
    nlohmann::json over = nlohmann::json::object();
    nlohmann::json budget;  // the Stage 1 budget axis, if any
    std::size_t i = 0;
    for (const auto& [name, values] : config.sweep.axes) {
      if (name == "budget") budget = p.values[i++];
      else over[name] = p.values[i++];
    }
    const MacroSpec macro = macroSpecFromJson(over, "sweep point " + std::to_string(index), base);
    if (!budget.is_null()) {
      // Stage 1 for this macro and budget, then ADC-aware QAT of the adapted network.
      MorphConfig mc = config.stage1;
      mc.in_checkpoint = eval->path;
      mc.macro = macro;
      if (budget.is_number_integer()) {
        mc.budget = MorphBudget::kMacros;
        mc.budget_macros = budget.get<std::int64_t>();
      } else {
        const std::string b = budget.get<std::string>();
        mc.budget = b == "baseline" ? MorphBudget::kBaseline
                    : b == "chip"   ? MorphBudget::kChip
                                    : MorphBudget::kPruned;
      }
      const std::string adapted = eval->scratch + "/point-" + std::to_string(index) + ".h5";
      mc.out_checkpoint = adapted;
      TrainObserver none;
      MorphResult mr = runMorph(mc, *eval->data, none);
      p.totals = mapNetwork(mr.adapted, macro).total;
      p.accuracy = retrainOn(*eval, macro, adapted);
      std::error_code ec;
      std::filesystem::remove(adapted, ec);
    } else {
      const MappingReport report = mapNetwork(shape, macro);
      p.totals = report.total;
      if (eval) {
        p.accuracy = eval->retrain ? retrainOn(*eval, macro, "") : evaluateOn(*eval, macro);
      }
    }
  } catch (const std::exception& e) {  // ConfigError for an invalid macro, torch errors
    p.ok = false;
    p.error = e.what();
  }
  p.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return p;
}

}  // namespace

std::vector<nlohmann::json> sweepPointValues(const SweepConfig& sweep, std::int64_t index) {
  std::vector<nlohmann::json> out(sweep.axes.size());
  std::int64_t rest = index;
  // Last axis fastest: peel from the back.
  std::size_t i = sweep.axes.size();
  for (auto it = sweep.axes.rbegin(); it != sweep.axes.rend(); ++it) {
    const auto n = static_cast<std::int64_t>(it->second.size());
    out[--i] = it->second[static_cast<std::size_t>(rest % n)];
    rest /= n;
  }
  return out;
}

SweepResult runSweep(const ExperimentConfig& config, const std::string& out, bool resume,
                     SweepObserver& observer) {
  config.validate();
  if (config.sweep.axes.empty()) {
    throw ConfigError("sweep.axes is empty: name at least one macro field and its values");
  }
  const auto start = Clock::now();
  SweepResult result;
  result.path = out;
  result.total = config.sweep.pointCount();
  // "evaluate": the checkpoint's network is the one swept; its data set is the config's.
  std::unique_ptr<EvalContext> eval;
  std::unique_ptr<Dataset> data;
  NetworkShape shape;
  if (config.sweep.evaluate == "evaluate" || config.sweep.evaluate == "retrain") {
    LoadedModel loaded = loadModel(config.sweep.checkpoint);
    data = std::make_unique<Dataset>(loadDataset(config.dataset));
    checkNetworkMatchesData(loaded.spec, *data);
    eval = std::make_unique<EvalContext>();
    eval->shape = loaded.model->shape();
    eval->state = loaded.file.tensors;
    eval->quantized = loaded.quant.has_value();
    if (loaded.quant) eval->quant = *loaded.quant;
    eval->path = config.sweep.checkpoint;
    eval->data = data.get();
    eval->calibration_batches = config.sweep.calibration_batches;
    eval->retrain = config.sweep.evaluate == "retrain";
    eval->scratch = out + ".points";
    eval->config = &config;
    shape = eval->shape;
  } else {
    shape = buildNetworkShape(config.network());
  }
  const MacroSpec base = config.macro();
  const std::string identity = identityOf(config);
  const auto columns = sweepColumns(config.sweep);

  const bool exists = std::filesystem::exists(out);
  if (exists && !resume) {
    throw StoreError(out + ": already exists; use --resume to complete it, or another --out");
  }
  std::unique_ptr<H5File> file;
  std::set<std::int64_t> done;
  if (exists) {
    file = std::make_unique<H5File>(out, H5File::Mode::kReadWrite);
    const auto fmt = file->stringAttribute("/", "format");
    if (!fmt || *fmt != kFormat) throw StoreError(out + ": not a cimscope sweep file");
    const auto version = file->intAttribute("/", "format_version");
    if (!version || *version > kFormatVersion) {
      throw StoreError(out + ": sweep file format version " +
                       (version ? std::to_string(*version) : std::string("missing")) +
                       " is not supported (this build reads up to " +
                       std::to_string(kFormatVersion) + ")");
    }
    if (file->stringAttribute("/", "config").value_or("") != identity) {
      throw StoreError(out + ": this sweep was started with another config; resume it with the "
                             "config it was started with, or use another --out");
    }
    if (file->exists(kTable)) {
      const RecordTable t = readRecordTable(*file, kTable);
      const int ix = t.columnIndex("index");
      for (const auto& row : t.rows) done.insert(std::get<std::int64_t>(row[ix]));
    }
  } else {
    if (!resume && std::filesystem::path(out).has_parent_path() &&
        !std::filesystem::exists(std::filesystem::path(out).parent_path())) {
      throw StoreError(out + ": its folder does not exist");
    }
    file = std::make_unique<H5File>(out, H5File::Mode::kCreate);
    file->setAttribute("/", "format", std::string(kFormat));
    file->setAttribute("/", "format_version", kFormatVersion);
    file->setAttribute("/", "cimscope_version", versionLine());
    file->setAttribute("/", "created", utcTimestamp());
    file->setAttribute("/", "config", identity);
    nlohmann::json axes = nlohmann::json::array();
    for (const auto& [k, v] : config.sweep.axes) axes.push_back({{"field", k}, {"values", v}});
    file->setAttribute("/", "axes", axes.dump());
    file->setAttribute("/", "points_total", result.total);
    file->setAttribute("/", "network", shape.model);
    file->setAttribute("/", "evaluate", config.sweep.evaluate);
  }
  result.resumed = static_cast<std::int64_t>(done.size());
  RecordTableWriter writer(*file, kTable, columns);
  if (eval && config.sweep.axes.count("budget")) std::filesystem::create_directories(eval->scratch);

  std::vector<std::int64_t> todo;
  todo.reserve(static_cast<std::size_t>(result.total - result.resumed));
  for (std::int64_t i = 0; i < result.total; ++i) {
    if (!done.count(i)) todo.push_back(i);
  }

  unsigned threads = config.sweep.threads > 0 ? static_cast<unsigned>(config.sweep.threads)
                                              : std::max(1u, std::thread::hardware_concurrency());
  // A retraining point already uses every core (torch's threads); points run one at a time.
  if (config.sweep.evaluate == "retrain") threads = 1;
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, std::max<std::size_t>(1, todo.size())));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  std::deque<SweepPoint> finished;
  std::size_t workers_left = threads;
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < threads; ++w) {
    pool.emplace_back([&] {
      while (!stop.load()) {
        const std::size_t k = next.fetch_add(1);
        if (k >= todo.size()) break;
        SweepPoint p = evaluatePoint(config, shape, base, todo[k], eval.get());
        {
          std::lock_guard<std::mutex> lock(mu);
          finished.push_back(std::move(p));
        }
        cv.notify_one();
      }
      std::lock_guard<std::mutex> lock(mu);
      --workers_left;
      cv.notify_one();
    });
  }
  // The writer: everything that finished since the last write goes out with one flush, so slow
  // points are flushed one by one and fast ones in small groups, never later than they finish.
  std::exception_ptr write_error;
  std::int64_t done_count = result.resumed;
  while (true) {
    std::vector<SweepPoint> batch;
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return !finished.empty() || workers_left == 0; });
      while (!finished.empty()) {
        batch.push_back(std::move(finished.front()));
        finished.pop_front();
      }
      if (batch.empty() && workers_left == 0) break;
    }
    if (write_error) continue;
    try {
      std::vector<TableRow> rows;
      rows.reserve(batch.size());
      for (const auto& p : batch) rows.push_back(rowOf(p, config.sweep));
      writer.append(rows);
    } catch (...) {
      write_error = std::current_exception();
      stop.store(true);
      continue;
    }
    for (const auto& p : batch) {
      ++result.evaluated;
      if (!p.ok) ++result.failed;
      ++done_count;
      if (!stop.load() && !observer.onPoint(p, done_count, result.total)) {
        stop.store(true);
        result.cancelled = true;
      }
    }
  }
  for (auto& t : pool) t.join();
  if (write_error) std::rethrow_exception(write_error);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace cimscope
