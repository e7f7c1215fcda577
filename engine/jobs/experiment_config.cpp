#include "engine/jobs/experiment_config.h"

#include <fstream>
#include <set>
#include <sstream>

#include "engine/cim/macro_preset_catalog.h"
#include "engine/cim/macro_spec_json.h"
#include "engine/common/errors.h"

namespace cimscope {

namespace {

// Keys of MacroSpec that a sweep may vary (everything but the informational ones).
std::set<std::string> sweepableMacroKeys() {
  std::set<std::string> keys;
  const nlohmann::json all = macroSpecToJson(MacroSpec{});
  for (const auto& [k, v] : all.items()) {
    if (k != "name" && k != "citation" && k != "notes") keys.insert(k);
  }
  return keys;
}

void checkKeys(const nlohmann::json& j, const std::string& where,
               const std::set<std::string>& allowed) {
  if (!j.is_object()) throw ConfigError(where + " must be a JSON object");
  for (const auto& [k, v] : j.items()) {
    if (!allowed.count(k)) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw ConfigError(where + "." + k + " is not a known key (expected one of: " + list + ")");
    }
  }
}

template <typename T>
T getAs(const nlohmann::json& v, const std::string& field, const char* what) {
  try {
    return v.get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(field + " = " + v.dump() + " has the wrong type (expected " + what + ")");
  }
}

}  // namespace

std::int64_t SweepConfig::pointCount() const {
  if (axes.empty()) return 0;
  std::int64_t n = 1;
  for (const auto& [k, v] : axes) n *= static_cast<std::int64_t>(v.size());
  return n;
}

void ExperimentConfig::validate() const {
  dataset.validate();
  NetworkSpec probe;
  probe.model = model;
  probe.widths = widths;
  probe.validate();
  baseline_train.validate();
  (void)macro();
  {
    MorphConfig probe1 = stage1;
    probe1.in_checkpoint = "baseline.h5";  // set by the pipeline
    probe1.macro = macro();
    probe1.validate();
    stage1.finetune_distill.validateRanges("stage1");
  }
  stage2.train.validate();
  if (stage2.step_init != "lsq" && stage2.step_init != "mse") {
    throw ConfigError("stage2.step_init = \"" + stage2.step_init + "\", expected \"lsq\" or \"mse\"");
  }
  DistillConfig{"", stage2.distill_weight, stage2.distill_temperature}.validateRanges("stage2");
  if (stage2.calibration_batches < 1 || stage2.calibration_batches > 100) {
    throw ConfigError("stage2.calibration_batches = " + std::to_string(stage2.calibration_batches) +
                      " is out of range (expected 1..100)");
  }
  if (adc_sweep.bits.empty()) throw ConfigError("adc_sweep.bits is empty");
  for (int b : adc_sweep.bits) {
    if (b < 1 || b > 24) {
      throw ConfigError("adc_sweep.bits: " + std::to_string(b) + " is out of range (expected 1..24)");
    }
  }
  if (adc_sweep.retrain_epochs < 0 || adc_sweep.retrain_epochs > 1000) {
    throw ConfigError("adc_sweep.retrain_epochs = " + std::to_string(adc_sweep.retrain_epochs) +
                      " is out of range (expected 0..1000)");
  }
  if (adc_sweep.enabled && !stage2.train_unaware) {
    throw ConfigError("adc_sweep needs stage2.train_unaware = true (the ADC-unaware model)");
  }
  const auto keys = sweepableMacroKeys();
  for (const auto& [field, values] : sweep.axes) {
    if (field == "budget") {
      // The Stage 1 macro budget: only a retraining sweep runs Stage 1 per point.
      if (sweep.evaluate != "retrain") {
        throw ConfigError("sweep.axes.budget needs sweep.evaluate = 'retrain' (Stage 1 runs per point)");
      }
      for (std::size_t i = 0; i < values.size(); ++i) {
        const auto& v = values[i];
        const bool ok = (v.is_number_integer() && v.get<long long>() >= 1) ||
                        (v.is_string() && (v == "pruned" || v == "baseline" || v == "chip"));
        if (!ok) {
          throw ConfigError("sweep.axes.budget[" + std::to_string(i) + "] = " + v.dump() +
                            " (expected pruned, baseline, chip or a macro count >= 1)");
        }
      }
      continue;
    }
    if (!keys.count(field)) {
      std::string list;
      for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
      throw ConfigError("sweep.axes." + field + " is not a macro field a sweep can vary (expected one of: " +
                        list + ")");
    }
    if (values.empty()) throw ConfigError("sweep.axes." + field + " has no values");
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!values[i].is_number() && !values[i].is_string()) {
        throw ConfigError("sweep.axes." + field + "[" + std::to_string(i) + "] = " +
                          values[i].dump() + " must be a number or a string");
      }
    }
  }
  if (sweep.evaluate != "mapping" && sweep.evaluate != "evaluate" && sweep.evaluate != "retrain") {
    throw ConfigError("sweep.evaluate = '" + sweep.evaluate +
                      "' is unknown (expected mapping, evaluate or retrain)");
  }
  if (sweep.evaluate != "mapping" && sweep.checkpoint.empty()) {
    throw ConfigError("sweep.evaluate = '" + sweep.evaluate +
                      "' needs sweep.checkpoint (the network to evaluate)");
  }
  if (sweep.calibration_batches < 1 || sweep.calibration_batches > 100) {
    throw ConfigError("sweep.calibration_batches = " + std::to_string(sweep.calibration_batches) +
                      " is out of range (expected 1..100)");
  }
  if (sweep.threads < 0 || sweep.threads > 1024) {
    throw ConfigError("sweep.threads = " + std::to_string(sweep.threads) +
                      " is out of range (expected 0..1024, 0 = all cores)");
  }
  if (sweep.pointCount() > 10000000) {
    throw ConfigError("sweep.axes give " + std::to_string(sweep.pointCount()) +
                      " points (at most 10,000,000)");
  }
}

MacroSpec ExperimentConfig::macro() const {
  MacroSpec base = loadMacroPreset(macro_preset);
  return macroSpecFromJson(macro_overrides, "config macro", base);
}

NetworkSpec ExperimentConfig::network() const {
  NetworkSpec n;
  n.model = model;
  n.widths = widths;
  if (dataset.name == "synthetic") {
    n.in_channels = dataset.synthetic_channels;
    n.in_height = dataset.synthetic_height;
    n.in_width = dataset.synthetic_width;
    n.classes = dataset.synthetic_classes;
  } else {
    bool found = false;
    for (const auto& d : listDatasets(dataset.locations)) {
      if (d.name != dataset.name) continue;
      n.in_channels = d.channels;
      n.in_height = d.height;
      n.in_width = d.width;
      n.classes = d.classes;
      found = d.channels > 0;
    }
    if (!found) throw ConfigError("dataset.name = '" + dataset.name + "': its sample shape is unknown");
  }
  n.validate();
  return n;
}

nlohmann::json ExperimentConfig::toJson() const {
  nlohmann::json macro = macro_overrides;
  macro["preset"] = macro_preset;
  nlohmann::json axes = nlohmann::json::object();
  for (const auto& [k, v] : sweep.axes) axes[k] = v;
  return {{"dataset",
           {{"name", dataset.name},
            {"data_dir", dataset.data_dir},
            {"subset_train", dataset.subset_train},
            {"subset_test", dataset.subset_test},
            {"synthetic_train", dataset.synthetic_train},
            {"synthetic_test", dataset.synthetic_test}}},
          {"model", {{"name", model}, {"widths", widths}}},
          {"macro", macro},
          {"baseline", {{"checkpoint", baseline_checkpoint}, {"train", baseline_train.toJson()}}},
          {"stage1",
           {{"enabled", stage1_enabled},
            {"distill", stage1_distill},
            {"distill_weight", stage1.finetune_distill.weight},
            {"distill_temperature", stage1.finetune_distill.temperature},
            {"budget", stage1.budget == MorphBudget::kMacros ? nlohmann::json(stage1.budget_macros)
                                                             : nlohmann::json(toString(stage1.budget))},
            {"lambda", stage1.lambda},
            {"shrink_epochs", stage1.shrink_epochs},
            {"finetune_epochs", stage1.finetune_epochs},
            {"threshold", stage1.threshold},
            {"keep_params", stage1.keep_params},
            {"max_expand", stage1.max_expand},
            {"min_keep", stage1.min_keep},
            {"noise", stage1.noise},
            {"shrink_train", stage1.shrink_train.toJson()},
            {"finetune_train", stage1.finetune_train.toJson()}}},
          {"stage2",
           {{"enabled", stage2.enabled},
            {"train", stage2.train.toJson()},
            {"per_channel_weights", stage2.per_channel_weights},
            {"per_column_adc", stage2.per_column_adc},
            {"exclude_first_last", stage2.exclude_first_last},
            {"calibration_batches", stage2.calibration_batches},
            {"step_init", stage2.step_init},
            {"distill", stage2.distill},
            {"distill_weight", stage2.distill_weight},
            {"distill_temperature", stage2.distill_temperature},
            {"train_unaware", stage2.train_unaware}}},
          {"adc_sweep",
           {{"enabled", adc_sweep.enabled},
            {"bits", adc_sweep.bits},
            {"retrain_epochs", adc_sweep.retrain_epochs},
            {"retrain", adc_sweep.retrain.toJson()}}},
          {"simulate", {{"enabled", simulate}}},
          {"sweep",
           {{"axes", axes},
            {"evaluate", sweep.evaluate},
            {"checkpoint", sweep.checkpoint},
            {"calibration_batches", sweep.calibration_batches},
            {"threads", sweep.threads}}},
          {"seed", seed}};
}

ExperimentConfig ExperimentConfig::fromJson(const nlohmann::json& j, const std::string& source) {
  const std::string w = source.empty() ? "config" : source;
  ExperimentConfig c;
  checkKeys(j, w, {"dataset", "model", "macro", "baseline", "stage1", "stage2", "adc_sweep",
                   "simulate", "sweep", "seed"});
  if (j.contains("seed")) c.seed = getAs<std::uint64_t>(j["seed"], w + ": seed", "a non-negative integer");
  c.dataset.seed = c.seed;
  c.baseline_train.seed = c.seed;
  if (j.contains("dataset")) {
    const auto& d = j["dataset"];
    checkKeys(d, w + ": dataset",
              {"name", "data_dir", "subset_train", "subset_test", "synthetic_train", "synthetic_test"});
    if (d.contains("synthetic_train")) c.dataset.synthetic_train = getAs<std::int64_t>(d["synthetic_train"], w + ": dataset.synthetic_train", "an integer");
    if (d.contains("synthetic_test")) c.dataset.synthetic_test = getAs<std::int64_t>(d["synthetic_test"], w + ": dataset.synthetic_test", "an integer");
    if (d.contains("name")) c.dataset.name = getAs<std::string>(d["name"], w + ": dataset.name", "a string");
    if (d.contains("data_dir")) c.dataset.data_dir = getAs<std::string>(d["data_dir"], w + ": dataset.data_dir", "a string");
    if (d.contains("subset_train")) c.dataset.subset_train = getAs<std::int64_t>(d["subset_train"], w + ": dataset.subset_train", "an integer");
    if (d.contains("subset_test")) c.dataset.subset_test = getAs<std::int64_t>(d["subset_test"], w + ": dataset.subset_test", "an integer");
  }
  if (j.contains("model")) {
    const auto& m = j["model"];
    checkKeys(m, w + ": model", {"name", "widths"});
    if (m.contains("name")) c.model = getAs<std::string>(m["name"], w + ": model.name", "a string");
    if (m.contains("widths")) c.widths = getAs<std::vector<int>>(m["widths"], w + ": model.widths", "a list of integers");
  }
  if (j.contains("macro")) {
    const auto& m = j["macro"];
    if (m.is_string()) {
      c.macro_preset = m.get<std::string>();
    } else if (m.is_object()) {
      c.macro_overrides = m;
      if (m.contains("preset")) {
        c.macro_preset = getAs<std::string>(m["preset"], w + ": macro.preset", "a string");
        c.macro_overrides.erase("preset");
      }
    } else {
      throw ConfigError(w + ": macro must be a preset name or an object of macro fields");
    }
  }
  if (j.contains("baseline")) {
    const auto& b = j["baseline"];
    checkKeys(b, w + ": baseline", {"checkpoint", "train"});
    if (b.contains("checkpoint")) c.baseline_checkpoint = getAs<std::string>(b["checkpoint"], w + ": baseline.checkpoint", "a string");
    if (b.contains("train")) {
      nlohmann::json t = b["train"];
      if (t.is_object() && !t.contains("seed")) t["seed"] = c.seed;
      c.baseline_train = TrainConfig::fromJson(t, w + ": baseline");
    }
  }
  auto train = [&](const nlohmann::json& t, const std::string& where, const TrainConfig& base) {
    nlohmann::json merged = base.toJson();
    merged["seed"] = c.seed;
    if (!t.is_object()) throw ConfigError(w + ": " + where + " must be an object");
    for (const auto& [k, v] : t.items()) merged[k] = v;
    return TrainConfig::fromJson(merged, w + ": " + where);
  };
  c.stage1.shrink_train.seed = c.stage1.finetune_train.seed = c.stage2.train.seed =
      c.adc_sweep.retrain.seed = c.seed;
  if (j.contains("stage1")) {
    const auto& s1 = j["stage1"];
    const std::string p = w + ": stage1.";
    checkKeys(s1, w + ": stage1",
              {"enabled", "budget", "lambda", "shrink_epochs", "finetune_epochs", "threshold",
               "keep_params", "max_expand", "min_keep", "noise", "shrink_train", "finetune_train",
               "distill", "distill_weight", "distill_temperature"});
    if (s1.contains("enabled")) c.stage1_enabled = getAs<bool>(s1["enabled"], p + "enabled", "true or false");
    if (s1.contains("distill")) c.stage1_distill = getAs<bool>(s1["distill"], p + "distill", "true or false");
    if (s1.contains("distill_weight")) c.stage1.finetune_distill.weight = getAs<double>(s1["distill_weight"], p + "distill_weight", "a number");
    if (s1.contains("distill_temperature")) c.stage1.finetune_distill.temperature = getAs<double>(s1["distill_temperature"], p + "distill_temperature", "a number");
    if (s1.contains("budget")) {
      const auto& b = s1["budget"];
      if (b.is_number_integer()) {
        c.stage1.budget = MorphBudget::kMacros;
        c.stage1.budget_macros = b.get<std::int64_t>();
      } else {
        const std::string v = getAs<std::string>(b, p + "budget", "pruned, baseline, chip or a macro count");
        if (v == "pruned") c.stage1.budget = MorphBudget::kPruned;
        else if (v == "baseline") c.stage1.budget = MorphBudget::kBaseline;
        else if (v == "chip") c.stage1.budget = MorphBudget::kChip;
        else throw ConfigError(p + "budget = '" + v + "' (expected pruned, baseline, chip or a macro count)");
      }
    }
    if (s1.contains("lambda")) c.stage1.lambda = getAs<double>(s1["lambda"], p + "lambda", "a number");
    if (s1.contains("shrink_epochs")) c.stage1.shrink_epochs = getAs<int>(s1["shrink_epochs"], p + "shrink_epochs", "an integer");
    if (s1.contains("finetune_epochs")) c.stage1.finetune_epochs = getAs<int>(s1["finetune_epochs"], p + "finetune_epochs", "an integer");
    if (s1.contains("threshold")) c.stage1.threshold = getAs<double>(s1["threshold"], p + "threshold", "a number");
    if (s1.contains("keep_params")) c.stage1.keep_params = getAs<double>(s1["keep_params"], p + "keep_params", "a number");
    if (s1.contains("max_expand")) c.stage1.max_expand = getAs<double>(s1["max_expand"], p + "max_expand", "a number");
    if (s1.contains("min_keep")) c.stage1.min_keep = getAs<double>(s1["min_keep"], p + "min_keep", "a number");
    if (s1.contains("noise")) c.stage1.noise = getAs<double>(s1["noise"], p + "noise", "a number");
    if (s1.contains("shrink_train")) c.stage1.shrink_train = train(s1["shrink_train"], "stage1.shrink_train", c.stage1.shrink_train);
    if (s1.contains("finetune_train")) c.stage1.finetune_train = train(s1["finetune_train"], "stage1.finetune_train", c.stage1.finetune_train);
  }
  c.stage1.shrink_train.epochs = c.stage1.shrink_epochs;
  c.stage1.finetune_train.epochs = c.stage1.finetune_epochs;
  if (j.contains("stage2")) {
    const auto& s2 = j["stage2"];
    const std::string p = w + ": stage2.";
    checkKeys(s2, w + ": stage2",
              {"enabled", "train", "per_channel_weights", "per_column_adc", "exclude_first_last",
               "calibration_batches", "step_init", "distill", "distill_weight",
               "distill_temperature", "train_unaware"});
    if (s2.contains("enabled")) c.stage2.enabled = getAs<bool>(s2["enabled"], p + "enabled", "true or false");
    if (s2.contains("train")) c.stage2.train = train(s2["train"], "stage2.train", c.stage2.train);
    if (s2.contains("per_channel_weights")) c.stage2.per_channel_weights = getAs<bool>(s2["per_channel_weights"], p + "per_channel_weights", "true or false");
    if (s2.contains("per_column_adc")) c.stage2.per_column_adc = getAs<bool>(s2["per_column_adc"], p + "per_column_adc", "true or false");
    if (s2.contains("exclude_first_last")) c.stage2.exclude_first_last = getAs<bool>(s2["exclude_first_last"], p + "exclude_first_last", "true or false");
    if (s2.contains("calibration_batches")) c.stage2.calibration_batches = getAs<int>(s2["calibration_batches"], p + "calibration_batches", "an integer");
    if (s2.contains("step_init")) c.stage2.step_init = getAs<std::string>(s2["step_init"], p + "step_init", "\"lsq\" or \"mse\"");
    if (s2.contains("distill")) c.stage2.distill = getAs<bool>(s2["distill"], p + "distill", "true or false");
    if (s2.contains("distill_weight")) c.stage2.distill_weight = getAs<double>(s2["distill_weight"], p + "distill_weight", "a number");
    if (s2.contains("distill_temperature")) c.stage2.distill_temperature = getAs<double>(s2["distill_temperature"], p + "distill_temperature", "a number");
    if (s2.contains("train_unaware")) c.stage2.train_unaware = getAs<bool>(s2["train_unaware"], p + "train_unaware", "true or false");
  }
  if (j.contains("adc_sweep")) {
    const auto& a = j["adc_sweep"];
    const std::string p = w + ": adc_sweep.";
    checkKeys(a, w + ": adc_sweep", {"enabled", "bits", "retrain_epochs", "retrain"});
    if (a.contains("enabled")) c.adc_sweep.enabled = getAs<bool>(a["enabled"], p + "enabled", "true or false");
    if (a.contains("bits")) c.adc_sweep.bits = getAs<std::vector<int>>(a["bits"], p + "bits", "a list of integers");
    if (a.contains("retrain_epochs")) c.adc_sweep.retrain_epochs = getAs<int>(a["retrain_epochs"], p + "retrain_epochs", "an integer");
    if (a.contains("retrain")) c.adc_sweep.retrain = train(a["retrain"], "adc_sweep.retrain", c.adc_sweep.retrain);
  }
  c.adc_sweep.retrain.epochs = std::max(1, c.adc_sweep.retrain_epochs);
  if (j.contains("simulate")) {
    const auto& sm = j["simulate"];
    checkKeys(sm, w + ": simulate", {"enabled"});
    if (sm.contains("enabled")) c.simulate = getAs<bool>(sm["enabled"], w + ": simulate.enabled", "true or false");
  }
  if (j.contains("sweep")) {
    const auto& s = j["sweep"];
    checkKeys(s, w + ": sweep", {"axes", "evaluate", "checkpoint", "calibration_batches", "threads"});
    if (s.contains("checkpoint")) c.sweep.checkpoint = getAs<std::string>(s["checkpoint"], w + ": sweep.checkpoint", "a path");
    if (s.contains("calibration_batches")) c.sweep.calibration_batches = getAs<int>(s["calibration_batches"], w + ": sweep.calibration_batches", "an integer");
    if (s.contains("axes")) {
      if (!s["axes"].is_object()) throw ConfigError(w + ": sweep.axes must be an object of field: [values]");
      for (const auto& [k, v] : s["axes"].items()) {
        if (!v.is_array()) throw ConfigError(w + ": sweep.axes." + k + " must be a list of values");
        c.sweep.axes[k] = std::vector<nlohmann::json>(v.begin(), v.end());
      }
    }
    if (s.contains("evaluate")) c.sweep.evaluate = getAs<std::string>(s["evaluate"], w + ": sweep.evaluate", "a string");
    if (s.contains("threads")) c.sweep.threads = getAs<int>(s["threads"], w + ": sweep.threads", "an integer");
  }
  try {
    c.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(w + ": " + e.what());
  }
  return c;
}

ExperimentConfig ExperimentConfig::readFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open the config file");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(path + ": not valid JSON: " + e.what());
  }
  return fromJson(j, path);
}

ExperimentConfig ExperimentConfig::defaults() { return ExperimentConfig{}; }

}  // namespace cimscope
