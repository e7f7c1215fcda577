#include "engine/adapt/morph.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <nlohmann/json.hpp>
#include <numeric>

#include "engine/adapt/channel_surgery.h"
#include "engine/adapt/distillation.h"
#include "engine/adapt/importance.h"
#include "engine/adapt/morph_result_writer.h"
#include "engine/adapt/resource_regularizer.h"
#include "engine/adapt/train_loop.h"
#include "engine/adapt/width_search.h"
#include "engine/cim/network_mapper.h"
#include "engine/common/errors.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/checkpoint.h"
#include "engine/store/h5_file.h"
#include "engine/store/spec_json.h"

namespace cimscope {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

NetworkSpec withWidths(NetworkSpec s, const std::vector<int>& widths) {
  s.widths = widths;
  return s;
}

MorphStepReport measure(const std::string& name, NetworkModelImpl& model, const MacroSpec& macro,
                        const Dataset& data, std::int64_t eval_batch) {
  MorphStepReport s;
  s.name = name;
  const NetworkShape& shape = model.shape();
  s.widths = shape.widths();
  for (const auto& l : shape.layers) s.layer_cout.push_back(l.cout);
  const MappingReport m = mapNetwork(shape, macro);
  s.params = shape.params;
  s.weights = shape.weights;
  s.tiles = m.total.tiles;
  s.macros = m.total.macros;
  s.utilization = m.total.utilization;
  s.fits_on_chip = m.total.fits_on_chip;
  s.weight_load_cycles_per_inference = m.total.weight_load_cycles_per_inference;
  s.latency_cycles = m.total.latency_cycles;
  s.energy_pj = m.total.energy_pj;
  const EvalResult ev = evaluateModel(model, data, eval_batch);
  s.accuracy = ev.accuracy;
  s.test_loss = ev.loss;
  s.importance = computeImportance(shape, bnGammas(model), macro);
  return s;
}

// Channels of each group whose importance (max |gamma| over the group's batch norms) is at
// least `threshold`; never none: the most important channel stays (no layer is removed).
std::vector<std::vector<int>> keptChannels(const ImportanceReport& imp, double threshold) {
  std::vector<std::vector<int>> keep(imp.groups.size());
  for (std::size_t g = 0; g < imp.groups.size(); ++g) {
    const auto& ch = imp.groups[g].channel;
    for (std::size_t j = 0; j < ch.size(); ++j) {
      if (ch[j] >= threshold) keep[g].push_back(static_cast<int>(j));
    }
    if (keep[g].empty() && !ch.empty()) {
      keep[g].push_back(static_cast<int>(std::max_element(ch.begin(), ch.end()) - ch.begin()));
    }
  }
  return keep;
}

std::vector<int> widthsOf(const std::vector<std::vector<int>>& keep) {
  std::vector<int> w;
  for (const auto& k : keep) w.push_back(static_cast<int>(k.size()));
  return w;
}

// The smallest threshold leaving at most `fraction` of `baseline_params` (binary search over the
// channel importances: parameters only fall as the threshold rises).
double thresholdForParams(const NetworkSpec& spec, const ImportanceReport& imp,
                          std::int64_t baseline_params, double fraction, bool* met) {
  std::vector<double> values{0.0};
  for (const auto& g : imp.groups) values.insert(values.end(), g.channel.begin(), g.channel.end());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  // Thresholds just above each value remove that value's channels.
  std::vector<double> cands{0.0};
  for (double v : values) cands.push_back(std::nextafter(v, 1e300));
  auto params = [&](double t) {
    return buildNetworkShape(withWidths(spec, widthsOf(keptChannels(imp, t)))).params;
  };
  const double limit = fraction * static_cast<double>(baseline_params);
  std::size_t lo = 0, hi = cands.size() - 1;
  if (static_cast<double>(params(cands[hi])) > limit) {
    *met = false;
    return cands[hi];
  }
  *met = true;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (static_cast<double>(params(cands[mid])) <= limit) hi = mid;
    else lo = mid + 1;
  }
  return cands[lo];
}

// Writes a training step's epoch file after each completed epoch, given the step report's
// per-epoch values so far.
using EpochSaver = std::function<void(NetworkModelImpl&, const TrainingCurve&, int epoch,
                                      const MorphStepReport&)>;

TrainResult trainStep(NetworkModelImpl& model, const Dataset& data, TrainConfig tc, int epochs,
                      TrainObserver& observer, TrainHooks hooks, MorphStepReport* rep,
                      const EpochSaver& save) {
  tc.epochs = epochs;
  // Per-epoch values the step report keeps (the regularizer is only known to the observer, so
  // the epoch file is written here, after the trainer's on_epoch_end handed over the curve).
  struct Recorder : TrainObserver {
    TrainObserver* next;
    MorphStepReport* rep;
    NetworkModelImpl* model;
    const EpochSaver* save;
    TrainingCurve curve;
    int epoch = 0;
    bool onBatch(const TrainProgress& p) override { return next->onBatch(p); }
    bool onEpochEnd(const EpochReport& r) override {
      rep->regularizer.push_back(r.regularizer);
      rep->epoch_accuracy.push_back(r.test_accuracy);
      if (*save) (*save)(*model, curve, epoch, *rep);
      return next->onEpochEnd(r);
    }
  } rec;
  rec.next = &observer;
  rec.rep = rep;
  rec.model = &model;
  rec.save = &save;
  hooks.on_epoch_end = [&rec](NetworkModelImpl&, const TrainingCurve& curve, int epoch) {
    rec.curve = curve;
    rec.epoch = epoch;
  };
  TrainResult r = trainModel(model, data, tc, rec, hooks);
  rep->epochs = r.epochs_completed;
  return r;
}

// Epoch files of the training steps (docs/stage1.md "Resuming"): <out>.shrink.h5 and
// <out>.finetune.h5, checkpoints of stage "stage1-<step>" whose training_config names the run.
std::string epochFile(const MorphConfig& c, const std::string& step) {
  return c.out_checkpoint.empty() ? std::string() : c.out_checkpoint + "." + step + ".h5";
}

void saveEpochFile(const std::string& path, NetworkModelImpl& model, const NetworkSpec& spec,
                   const std::string& step, const nlohmann::json& identity,
                   const TrainingCurve& curve, int epoch, const MorphStepReport& rep) {
  const nlohmann::json j = {{"morph", identity},
                            {"step", step},
                            {"regularizer", rep.regularizer},
                            {"epoch_accuracy", rep.epoch_accuracy}};
  saveModel(path, model, spec, "stage1-" + step, j.dump(), curve, epoch);
}

struct EpochFile {
  NetworkModel model{nullptr};
  TrainingCurve curve;
  std::vector<double> regularizer, epoch_accuracy;
};

// The epoch file of `step` when it belongs to this run (same identity, network `spec`, at most
// `epochs` epochs), else nullopt: the step then starts over.
std::optional<EpochFile> readEpochFile(const std::string& path, const std::string& step,
                                       const nlohmann::json& identity, const NetworkSpec& spec,
                                       int epochs) {
  if (path.empty() || !std::filesystem::exists(path)) return std::nullopt;
  try {
    const CheckpointData head = readCheckpointHeader(path);
    if (head.stage != "stage1-" + step || head.epochs_completed < 1 ||
        head.epochs_completed > epochs) {
      return std::nullopt;
    }
    const auto j = nlohmann::json::parse(head.training_config_json);
    if (j.value("step", "") != step || j.value("morph", nlohmann::json()) != identity) {
      return std::nullopt;
    }
    LoadedModel m = loadModel(path);
    if (networkSpecToJson(m.spec) != networkSpecToJson(spec)) return std::nullopt;
    EpochFile f;
    f.model = m.model;
    f.curve = m.file.curve;
    f.regularizer = j.value("regularizer", std::vector<double>{});
    f.epoch_accuracy = j.value("epoch_accuracy", std::vector<double>{});
    return f;
  } catch (const Error&) {
    return std::nullopt;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

// One training step of Stage 1 (shrink or finetune) with its epoch file: with config.resume a
// matching interrupted run replaces `model` and continues after its last epoch; every completed
// epoch is saved. Records the continuation in result.resumed.
TrainResult trainStepWithEpochFile(const std::string& step, NetworkModel& model,
                                   const NetworkSpec& spec, const TrainConfig& tc, int epochs,
                                   const MorphConfig& config, const nlohmann::json& identity,
                                   const Dataset& data, TrainObserver& observer, TrainHooks hooks,
                                   MorphStepReport* rep, MorphResult& result) {
  const std::string file = epochFile(config, step);
  if (config.resume) {
    if (auto prior = readEpochFile(file, step, identity, spec, epochs)) {
      model = prior->model;
      hooks.prior_curve = prior->curve;
      rep->regularizer = prior->regularizer;
      rep->epoch_accuracy = prior->epoch_accuracy;
      result.resumed.emplace_back(step, static_cast<int>(prior->curve.size()));
    }
  }
  EpochSaver save;
  if (!file.empty()) {
    save = [&](NetworkModelImpl& m, const TrainingCurve& c, int e, const MorphStepReport& r) {
      saveEpochFile(file, m, spec, step, identity, c, e, r);
    };
  }
  return trainStep(*model, data, tc, epochs, observer, hooks, rep, save);
}

}  // namespace

MorphResult runMorph(const MorphConfig& config, const Dataset& data, TrainObserver& observer,
                     const std::function<void(const MorphStepReport&)>& on_step) {
  config.validate();
  const auto t_run = Clock::now();
  const MacroSpec& macro = config.macro;
  MorphResult result;
  LoadedModel base = loadModel(config.in_checkpoint);
  checkNetworkMatchesData(base.spec, data);
  // The fine-tune's teacher, loaded now so that a bad file fails before any training.
  TrainHooks finetune_hooks;
  if (config.finetune_distill.enabled()) {
    finetune_hooks.loss =
        distillationHook(loadTeacher(config.finetune_distill.teacher, data, "morph.teacher"),
                         config.finetune_distill.weight, config.finetune_distill.temperature);
  }
  const NetworkSpec spec0 = base.spec;
  const NetworkShape shape0 = base.model->shape();
  for (const auto& g : shape0.width_groups) result.group_names.push_back(g.name);
  for (const auto& l : shape0.layers) result.layer_names.push_back(l.name);
  const std::int64_t eval_batch = config.finetune_train.eval_batch_size;
  // What the epoch files must match to be resumed: the config and the baseline file it read.
  nlohmann::json identity = config.toJson();
  identity["in_created"] = base.file.created;
  auto emit = [&](MorphStepReport s) {
    result.steps.push_back(std::move(s));
    if (on_step) on_step(result.steps.back());
  };
  auto cancelled = [&](const TrainResult& r) {
    if (r.status != TrainResult::Status::kCancelled) return false;
    result.status = MorphResult::Status::kCancelled;
    const std::string& step = result.steps.back().name;
    const std::string kept = epochFile(config, step);
    result.warnings.push_back(
        "cancelled during " + step + "; no output file was written" +
        (r.epochs_completed > 0 && !kept.empty()
             ? " (epoch " + std::to_string(r.epochs_completed) + " is kept in " + kept +
                   "; resume continues from there)"
             : ""));
    result.seconds = secondsSince(t_run);
    return true;
  };

  // 1. Baseline.
  auto t0 = Clock::now();
  {
    MorphStepReport s = measure("baseline", *base.model, macro, data, eval_batch);
    s.seconds = secondsSince(t0);
    emit(std::move(s));
  }
  const MorphStepReport baseline = result.steps.back();

  // 2. Shrink: cross-entropy + lambda * R(gamma).
  t0 = Clock::now();
  NetworkModel model = base.model;
  {
    const ResourceRegularizer reg(shape0);
    TrainHooks hooks;
    const double lambda = config.lambda;
    if (lambda > 0) {
      hooks.regularizer = [&reg, lambda](NetworkModelImpl& m) { return reg(m) * lambda; };
    }
    MorphStepReport s;
    s.name = "shrink";
    TrainResult tr;
    if (config.shrink_epochs > 0) {
      tr = trainStepWithEpochFile("shrink", model, spec0, config.shrink_train,
                                  config.shrink_epochs, config, identity, data, observer, hooks,
                                  &s, result);
    }
    // The per-epoch value is reported unweighted (R itself), so runs with different lambda compare.
    if (lambda > 0) {
      for (double& v : s.regularizer) v /= lambda;
    }
    MorphStepReport m = measure("shrink", *model, macro, data, eval_batch);
    m.epochs = s.epochs;
    m.regularizer = s.regularizer;
    if (m.regularizer.empty()) m.regularizer.push_back(reg(*model).item<double>());
    m.epoch_accuracy = s.epoch_accuracy;
    m.seconds = secondsSince(t0);
    emit(std::move(m));
    if (config.shrink_epochs > 0 && cancelled(tr)) return result;
  }

  // 3. Prune channels under the threshold, per width group.
  t0 = Clock::now();
  const ImportanceReport imp = computeImportance(model->shape(), bnGammas(*model), macro);
  double threshold = config.threshold;
  if (config.keep_params > 0) {
    bool met = true;
    threshold = thresholdForParams(spec0, imp, baseline.params, config.keep_params, &met);
    if (!met) {
      result.warnings.push_back("prune: even one channel per group leaves more than " +
                                std::to_string(config.keep_params) + " x the baseline parameters");
    }
  }
  result.threshold = threshold;
  const std::vector<std::vector<int>> keep = keptChannels(imp, threshold);
  const std::vector<int> pruned_widths = widthsOf(keep);
  for (std::size_t g = 0; g < keep.size(); ++g) {
    result.pruned_channels += shape0.width_groups[g].width - pruned_widths[g];
  }
  const NetworkSpec pruned_spec = withWidths(spec0, pruned_widths);
  WidenOptions wo;
  wo.noise = config.noise;
  wo.seed = config.finetune_train.seed;
  NetworkModel pruned = reshapeNetwork(*model, pruned_spec, keep, {}, wo);
  {
    MorphStepReport s = measure("prune", *pruned, macro, data, eval_batch);
    s.seconds = secondsSince(t0);
    emit(std::move(s));
  }
  const MorphStepReport prune_step = result.steps.back();  // a copy: steps grows

  // 4. Expand / reallocate: exact width search for the macro budget, then widen.
  t0 = Clock::now();
  switch (config.budget) {
    case MorphBudget::kPruned: result.budget_macros = prune_step.macros; break;
    case MorphBudget::kBaseline: result.budget_macros = baseline.macros; break;
    case MorphBudget::kChip: result.budget_macros = macro.macros_on_chip; break;
    case MorphBudget::kMacros: result.budget_macros = config.budget_macros; break;
  }
  result.budget_kind = toString(config.budget);
  const NetworkShape& pshape = pruned->shape();
  const ImportanceReport pimp = prune_step.importance;
  WidthSearchConfig wc;
  wc.budget = result.budget_macros;
  for (std::size_t g = 0; g < pshape.width_groups.size(); ++g) {
    const int p = pruned_widths[g];
    wc.min_width.push_back(std::max(1, static_cast<int>(std::floor(config.min_keep * p))));
    wc.max_width.push_back(std::max(
        p, static_cast<int>(std::ceil(config.max_expand * shape0.width_groups[g].width))));
  }
  wc.seed_widths = pruned_widths;  // packed: the pruned network is a feasible start for budget pruned
  // Value of a stored cell per layer: the mean |gamma| of the layer's channels, relative to the
  // network's mean over batch-norm layers (layers without batch norm count as average).
  double mean_sum = 0;
  int bn_count = 0;
  for (const auto& l : pimp.layers) {
    if (l.has_batch_norm) {
      mean_sum += l.mean;
      ++bn_count;
    }
  }
  const double avg = bn_count > 0 && mean_sum > 0 ? mean_sum / bn_count : 1.0;
  for (const auto& l : pimp.layers) {
    wc.layer_weight.push_back(l.has_batch_norm ? std::max(0.05, l.mean / avg) : 1.0);
  }
  result.search = searchWidths(pshape, macro, wc);
  std::vector<int> widths = result.search.widths;
  if (!result.search.feasible) {
    result.warnings.push_back("expand: no widths within [min_keep x pruned, max_expand x baseline] "
                              "fit " + std::to_string(wc.budget) +
                              " macros; the pruned widths are kept");
    widths = pruned_widths;
  }
  std::vector<std::vector<int>> sources(widths.size());
  std::vector<std::vector<double>> group_importance(widths.size());
  for (std::size_t g = 0; g < widths.size(); ++g) {
    const std::vector<double>& ch = pimp.groups[g].channel;
    group_importance[g] = ch;
    const int p = pruned_widths[g];
    if (widths[g] <= p) {
      std::vector<int> order(static_cast<std::size_t>(p));
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return ch[a] > ch[b]; });
      order.resize(static_cast<std::size_t>(widths[g]));
      std::sort(order.begin(), order.end());
      sources[g] = order;
    } else {
      sources[g].resize(static_cast<std::size_t>(widths[g]), -1);
      std::iota(sources[g].begin(), sources[g].begin() + p, 0);
    }
  }
  result.adapted = withWidths(spec0, widths);
  NetworkModel adapted = reshapeNetwork(*pruned, result.adapted, sources, group_importance, wo);
  {
    MorphStepReport s = measure("expand", *adapted, macro, data, eval_batch);
    s.seconds = secondsSince(t0);
    emit(std::move(s));
  }

  // 5. Fine-tune.
  t0 = Clock::now();
  TrainingCurve curve;
  {
    MorphStepReport s;
    TrainResult tr;
    if (config.finetune_epochs > 0) {
      s.name = "finetune";
      // Prune and expand above are deterministic, so a resumed network has this spec.
      tr = trainStepWithEpochFile("finetune", adapted, result.adapted, config.finetune_train,
                                  config.finetune_epochs, config, identity, data, observer,
                                  finetune_hooks, &s, result);
      curve = tr.curve;
    }
    MorphStepReport m = measure("finetune", *adapted, macro, data, eval_batch);
    m.epochs = s.epochs;
    m.epoch_accuracy = s.epoch_accuracy;
    m.seconds = secondsSince(t0);
    emit(std::move(m));
    if (config.finetune_epochs > 0 && cancelled(tr)) return result;
  }
  result.seconds = secondsSince(t_run);

  if (!config.out_checkpoint.empty()) {
    const nlohmann::json cfg = config.toJson();
    CheckpointData ck;
    ck.network_spec_json = networkSpecToJson(result.adapted).dump();
    ck.training_config_json =
        nlohmann::json{{"train", config.finetune_train.toJson()},
                       {"morph", cfg},
                       {"dataset",
                        {{"name", config.dataset_name},
                         {"subset_train", config.subset_train},
                         {"subset_test", config.subset_test}}}}
            .dump();
    ck.stage = "stage1";
    ck.epochs_completed = static_cast<std::int64_t>(curve.size());
    ck.tensors = adapted->stateArrays();
    ck.curve = curve;
    result.out_checkpoint = config.out_checkpoint;
    const std::string cfg_text = cfg.dump();
    writeCheckpoint(config.out_checkpoint, ck,
                    [&](H5File& f) { writeMorphGroup(f, result, cfg_text); });
    // The run is complete: its epoch files are no longer needed.
    std::error_code ec;
    for (const char* step : {"shrink", "finetune"}) std::filesystem::remove(epochFile(config, step), ec);
  }
  return result;
}

}  // namespace cimscope
