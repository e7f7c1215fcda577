#include "engine/store/checkpoint.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"
#include "engine/common/version.h"
#include "engine/store/h5_file.h"

namespace cimscope {

namespace {

constexpr const char* kFormat = "cimscope-checkpoint";
constexpr std::int64_t kFormatVersion = 1;

// "layer1.0.conv1.weight" -> group "/weights/layer1.0.conv1", dataset "weight".
std::string datasetPath(const std::string& name) {
  const auto dot = name.find_last_of('.');
  if (dot == std::string::npos) return "/weights/" + name;
  return "/weights/" + name.substr(0, dot) + "/" + name.substr(dot + 1);
}

void writeCurve(H5File& f, const TrainingCurve& c) {
  f.createGroup("/curve");
  const std::vector<std::int64_t> shape{static_cast<std::int64_t>(c.size())};
  auto check = [&](const std::vector<double>& v, const char* name) {
    if (v.size() != c.size()) {
      throw StoreError(f.path() + ": curve/" + name + " has " + std::to_string(v.size()) +
                       " entries but curve/epoch has " + std::to_string(c.size()));
    }
    f.writeFloat64(std::string("/curve/") + name, shape, v.data());
  };
  f.writeInt64("/curve/epoch", shape, c.epoch.data());
  check(c.train_loss, "train_loss");
  check(c.train_accuracy, "train_accuracy");
  check(c.test_loss, "test_loss");
  check(c.test_accuracy, "test_accuracy");
  check(c.learning_rate, "learning_rate");
  check(c.seconds, "seconds");
}

TrainingCurve readCurve(const H5File& f) {
  TrainingCurve c;
  if (!f.exists("/curve/epoch")) return c;
  for (double e : f.readArray("/curve/epoch").values) c.epoch.push_back(static_cast<std::int64_t>(e));
  auto read = [&](const char* name) {
    const std::string p = std::string("/curve/") + name;
    if (!f.exists(p)) throw StoreError(f.path() + ": " + p + " is missing");
    auto v = f.readArray(p).values;
    if (v.size() != c.size()) {
      throw StoreError(f.path() + ": " + p + " has " + std::to_string(v.size()) +
                       " entries, expected " + std::to_string(c.size()));
    }
    return v;
  };
  c.train_loss = read("train_loss");
  c.train_accuracy = read("train_accuracy");
  c.test_loss = read("test_loss");
  c.test_accuracy = read("test_accuracy");
  c.learning_rate = read("learning_rate");
  c.seconds = read("seconds");
  return c;
}

}  // namespace

std::string utcTimestamp() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void writeCheckpoint(const std::string& path, const CheckpointData& data) {
  writeCheckpoint(path, data, nullptr);
}

void writeCheckpoint(const std::string& path, const CheckpointData& data,
                     const std::function<void(H5File&)>& extra) {
  for (const auto& t : data.tensors) {
    std::size_t n = 1;
    for (auto d : t.shape) n *= static_cast<std::size_t>(d);
    if (n != t.values.size()) {
      throw StoreError(path + ": tensor " + t.name + " has " + std::to_string(t.values.size()) +
                       " values but its shape holds " + std::to_string(n));
    }
  }
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  try {
    {
      H5File f(tmp, H5File::Mode::kCreate);
      f.setAttribute("/", "format", std::string(kFormat));
      f.setAttribute("/", "format_version", kFormatVersion);
      f.setAttribute("/", "cimscope_version", std::string(versionLine()));
      f.setAttribute("/", "created", utcTimestamp());
      f.setAttribute("/", "stage", data.stage);
      f.setAttribute("/", "epochs_completed", data.epochs_completed);
      f.setAttribute("/", "network_spec", data.network_spec_json);
      f.setAttribute("/", "training_config", data.training_config_json);
      f.createGroup("/weights");
      nlohmann::json order = nlohmann::json::array();
      for (const auto& t : data.tensors) {
        f.writeFloat32(datasetPath(t.name), t.shape, t.values.data());
        order.push_back(t.name);
      }
      // Names as the network knows them, in module order (group names alone lose the order).
      f.setAttribute("/weights", "names", order.dump());
      writeCurve(f, data.curve);
      if (extra) extra(f);
      f.flush();
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw StoreError(path + ": cannot move the finished checkpoint into place: " + ec.message());
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

namespace {

// The root attributes of a checkpoint, after checking it is one this build reads.
CheckpointData readHeader(const H5File& f, const std::string& path) {
  const auto format = f.stringAttribute("/", "format");
  if (!format || *format != kFormat) {
    throw StoreError(path + ": not a cimscope checkpoint (root attribute 'format' is " +
                     (format ? "'" + *format + "'" : std::string("missing")) + ", expected '" +
                     kFormat + "')");
  }
  const auto version = f.intAttribute("/", "format_version");
  if (!version || *version > kFormatVersion) {
    throw StoreError(path + ": checkpoint format version " +
                     (version ? std::to_string(*version) : std::string("missing")) +
                     " is not supported (this build reads up to " +
                     std::to_string(kFormatVersion) + ")");
  }
  CheckpointData d;
  auto need = [&](const char* name) {
    auto v = f.stringAttribute("/", name);
    if (!v) throw StoreError(path + ": root attribute '" + std::string(name) + "' is missing");
    return *v;
  };
  d.network_spec_json = need("network_spec");
  d.training_config_json = need("training_config");
  d.stage = need("stage");
  d.cimscope_version = need("cimscope_version");
  d.created = need("created");
  d.epochs_completed = f.intAttribute("/", "epochs_completed").value_or(0);

  return d;
}

}  // namespace

CheckpointData readCheckpointHeader(const std::string& path) {
  if (!std::filesystem::exists(path)) throw StoreError(path + ": no such file");
  H5File f(path, H5File::Mode::kRead);
  return readHeader(f, path);
}

CheckpointData readCheckpoint(const std::string& path) {
  if (!std::filesystem::exists(path)) throw StoreError(path + ": no such file");
  H5File f(path, H5File::Mode::kRead);
  CheckpointData d = readHeader(f, path);
  const auto names_json = f.stringAttribute("/weights", "names");
  if (!names_json) throw StoreError(path + ": /weights has no 'names' attribute");
  nlohmann::json names;
  try {
    names = nlohmann::json::parse(*names_json);
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(path + ": /weights 'names' is not valid JSON: " + e.what());
  }
  for (const auto& n : names) {
    NamedArray a;
    a.name = n.get<std::string>();
    const std::string p = datasetPath(a.name);
    if (!f.exists(p)) throw StoreError(path + ": tensor " + a.name + " (" + p + ") is missing");
    a.shape = f.shapeOf(p);
    a.values = f.readFloat32(p);
    d.tensors.push_back(std::move(a));
  }
  d.curve = readCurve(f);
  return d;
}

}  // namespace cimscope
