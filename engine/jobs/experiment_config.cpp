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
  const auto keys = sweepableMacroKeys();
  for (const auto& [field, values] : sweep.axes) {
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
  if (sweep.evaluate != "mapping") {
    throw ConfigError("sweep.evaluate = '" + sweep.evaluate + "' is unknown (expected mapping)");
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
            {"subset_test", dataset.subset_test}}},
          {"model", {{"name", model}, {"widths", widths}}},
          {"macro", macro},
          {"baseline", {{"checkpoint", baseline_checkpoint}, {"train", baseline_train.toJson()}}},
          {"sweep", {{"axes", axes}, {"evaluate", sweep.evaluate}, {"threads", sweep.threads}}},
          {"seed", seed}};
}

ExperimentConfig ExperimentConfig::fromJson(const nlohmann::json& j, const std::string& source) {
  const std::string w = source.empty() ? "config" : source;
  ExperimentConfig c;
  checkKeys(j, w, {"dataset", "model", "macro", "baseline", "sweep", "seed"});
  if (j.contains("seed")) c.seed = getAs<std::uint64_t>(j["seed"], w + ": seed", "a non-negative integer");
  c.dataset.seed = c.seed;
  c.baseline_train.seed = c.seed;
  if (j.contains("dataset")) {
    const auto& d = j["dataset"];
    checkKeys(d, w + ": dataset", {"name", "data_dir", "subset_train", "subset_test"});
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
  if (j.contains("sweep")) {
    const auto& s = j["sweep"];
    checkKeys(s, w + ": sweep", {"axes", "evaluate", "threads"});
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
