#include "engine/store/result_readers.h"

#include <hdf5.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"
#include "engine/store/h5_file.h"
#include "engine/store/record_table.h"

namespace cimscope {

namespace {

[[noreturn]] void fail(const H5File& f, const std::string& path, const std::string& what) {
  throw StoreError(f.path() + ": " + path + ": " + what);
}

std::vector<double> doubles(const H5File& f, const std::string& path) {
  if (!f.exists(path)) fail(f, path, "missing");
  return f.readArray(path).values;
}

nlohmann::json jsonAttribute(const H5File& f, const std::string& object, const std::string& name) {
  const auto text = f.stringAttribute(object, name);
  if (!text) fail(f, object, "attribute '" + name + "' missing");
  try {
    return nlohmann::json::parse(*text);
  } catch (const std::exception& e) {
    fail(f, object, "attribute '" + name + "' is not JSON (" + e.what() + ")");
  }
}

std::string root(const std::string& group) { return group.empty() ? "/" : group; }

}  // namespace

double doubleAttribute(const H5File& file, const std::string& object_path, const std::string& name,
                       double fallback) {
  if (!file.exists(object_path) && object_path != "/") return fallback;
  const hid_t obj = H5Oopen(static_cast<hid_t>(file.id()), object_path.c_str(), H5P_DEFAULT);
  if (obj < 0) return fallback;
  double value = fallback;
  if (H5Aexists(obj, name.c_str()) > 0) {
    const hid_t attr = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
    if (attr >= 0) {
      double v = 0;
      if (H5Aread(attr, H5T_NATIVE_DOUBLE, &v) >= 0) value = v;
      H5Aclose(attr);
    }
  }
  H5Oclose(obj);
  return value;
}

MorphImportanceFile readMorphImportance(const H5File& f, const std::string& group,
                                        const std::string& step) {
  const std::string morph = group + "/morph";
  if (!f.exists(morph)) fail(f, morph, "no Stage 1 results (not a morph output)");
  MorphImportanceFile out;
  const nlohmann::json steps = jsonAttribute(f, morph, "steps");
  const nlohmann::json names = jsonAttribute(f, morph, "layer_names");
  for (const auto& s : steps) out.steps.push_back(s.get<std::string>());
  out.step = step;
  if (out.step.empty()) {
    for (auto it = out.steps.rbegin(); it != out.steps.rend(); ++it) {
      if (f.exists(morph + "/" + *it + "/importance/layer_sum")) {
        out.step = *it;
        break;
      }
    }
    if (out.step.empty()) fail(f, morph, "no step has an importance table");
  }
  const std::string imp = morph + "/" + out.step + "/importance";
  const std::vector<double> sum = doubles(f, imp + "/layer_sum");
  const std::vector<double> share = doubles(f, imp + "/layer_share");
  const std::vector<double> has_bn = doubles(f, imp + "/layer_has_batch_norm");
  const std::vector<double> gamma = doubles(f, imp + "/channel_gamma");
  const std::vector<double> offset = doubles(f, imp + "/channel_offset");
  const std::size_t layers = sum.size();
  if (share.size() != layers || has_bn.size() != layers || offset.size() != layers + 1 ||
      names.size() != layers) {
    fail(f, imp, "layer tables disagree in length");
  }
  out.total = doubleAttribute(f, imp, "total", 0);
  for (std::size_t i = 0; i < layers; ++i) {
    MorphLayerImportance l;
    l.name = names[i].get<std::string>();
    l.has_batch_norm = has_bn[i] != 0;
    l.sum = sum[i];
    l.share = share[i];
    const auto a = static_cast<std::size_t>(offset[i]), b = static_cast<std::size_t>(offset[i + 1]);
    if (a > b || b > gamma.size()) fail(f, imp + "/channel_offset", "out of range");
    l.gamma.assign(gamma.begin() + static_cast<std::ptrdiff_t>(a),
                   gamma.begin() + static_cast<std::ptrdiff_t>(b));
    out.layers.push_back(std::move(l));
  }
  return out;
}

AdcSweepFile readAdcSweepFile(const H5File& f, const std::string& group) {
  const std::string r = root(group);
  if (f.stringAttribute(r, "format").value_or("") != "cimscope-adc-sweep") {
    fail(f, r, "not an ADC sweep (format is not cimscope-adc-sweep)");
  }
  AdcSweepFile out;
  out.float_accuracy = doubleAttribute(f, r, "float_accuracy", -1);
  out.quantized_accuracy = doubleAttribute(f, r, "quantized_accuracy", 0);
  const std::string g = group + "/adc_sweep";
  if (!f.exists(g)) return out;  // a sweep cancelled before its first point
  const std::vector<double> bits = doubles(f, g + "/adc_bits");
  const std::vector<double> un = doubles(f, g + "/unaware_accuracy");
  const std::vector<double> aw = doubles(f, g + "/aware_accuracy");
  const std::vector<double> sec = doubles(f, g + "/seconds");
  if (un.size() != bits.size() || aw.size() != bits.size() || sec.size() != bits.size()) {
    fail(f, g, "point tables disagree in length");
  }
  for (std::size_t i = 0; i < bits.size(); ++i) {
    out.points.push_back({static_cast<int>(bits[i]), un[i], aw[i], sec[i]});
  }
  return out;
}

SweepFile readSweepFile(const H5File& f) {
  if (f.stringAttribute("/", "format").value_or("") != "cimscope-sweep") {
    fail(f, "/", "not a sweep file (format is not cimscope-sweep)");
  }
  SweepFile out;
  out.config_json = f.stringAttribute("/", "config").value_or("{}");
  for (const auto& a : jsonAttribute(f, "/", "axes")) out.axes.push_back(a.at("field").get<std::string>());
  out.points_total = f.intAttribute("/", "points_total").value_or(0);
  if (!f.exists("/points")) return out;
  const RecordTable t = readRecordTable(f, "/points");
  auto col = [&](const std::string& name) { return t.columnIndex(name); };
  auto num = [](const TableCell& c) -> double {
    if (const auto* i = std::get_if<std::int64_t>(&c)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&c)) return *d;
    return std::nan("");
  };
  auto text = [](const TableCell& c) -> std::string {
    if (const auto* s = std::get_if<std::string>(&c)) return *s;
    return {};
  };
  std::vector<int> axis_cols;
  for (const auto& a : out.axes) {
    const int c = col(a);
    if (c < 0) fail(f, "/points", "no column for axis '" + a + "'");
    axis_cols.push_back(c);
  }
  const int c_index = col("index"), c_status = col("status"), c_error = col("error");
  const int c_macros = col("macros"), c_tiles = col("tiles"), c_lat = col("latency_cycles");
  const int c_load = col("weight_load_cycles_per_inference"), c_util = col("utilization");
  const int c_us = col("latency_us"), c_energy = col("energy_pj"), c_acc = col("accuracy");
  auto get = [&](const TableRow& row, int c) { return c < 0 ? std::nan("") : num(row[c]); };
  auto geti = [&](const TableRow& row, int c) -> std::int64_t {
    const double v = get(row, c);
    return std::isfinite(v) ? static_cast<std::int64_t>(v) : 0;
  };
  for (const TableRow& row : t.rows) {
    SweepFileRow p;
    p.index = geti(row, c_index);
    p.ok = c_status < 0 || text(row[c_status]) == "ok";
    p.error = c_error < 0 ? std::string() : text(row[c_error]);
    for (int c : axis_cols) {
      if (const auto* s = std::get_if<std::string>(&row[c])) {
        p.values_json.push_back(nlohmann::json(*s).dump());
      } else {
        const double v = num(row[c]);
        p.values_json.push_back(std::floor(v) == v && std::fabs(v) < 1e15
                                    ? nlohmann::json(static_cast<std::int64_t>(v)).dump()
                                    : nlohmann::json(v).dump());
      }
    }
    p.macros = geti(row, c_macros);
    p.tiles = geti(row, c_tiles);
    p.latency_cycles = geti(row, c_lat);
    p.weight_load_cycles_per_inference = geti(row, c_load);
    p.utilization = get(row, c_util);
    p.latency_us = get(row, c_us);
    p.energy_pj = get(row, c_energy);
    p.accuracy = get(row, c_acc);
    out.rows.push_back(std::move(p));
  }
  return out;
}

}  // namespace cimscope
