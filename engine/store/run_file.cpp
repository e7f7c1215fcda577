#include "engine/store/run_file.h"

#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"
#include "engine/common/version.h"
#include "engine/store/checkpoint.h"
#include "engine/store/h5_file.h"

namespace cimscope {

namespace {

constexpr const char* kFormat = "cimscope-run";
constexpr std::int64_t kFormatVersion = 1;

TableRow rowOf(const StageSummary& s) {
  return {s.name,
          s.file,
          s.accuracy,
          s.params,
          s.weights,
          s.stored_bits,
          s.compression,
          s.macros,
          s.utilization,
          s.weight_load_cycles_per_inference,
          s.latency_cycles,
          s.energy_pj,
          s.seconds};
}

// Copies every member and root attribute of `src` into the new group `dst_group` of `dst`.
void copyFileInto(H5File& dst, const std::string& dst_group, const std::string& src_path) {
  H5File src(src_path, H5File::Mode::kRead);
  dst.createGroup(dst_group);
  const hid_t sid = static_cast<hid_t>(src.id());
  const hid_t did = static_cast<hid_t>(dst.id());
  for (const auto& name : src.children("/")) {
    if (H5Ocopy(sid, name.c_str(), did, (dst_group + "/" + name).c_str(), H5P_DEFAULT,
                H5P_DEFAULT) < 0) {
      throw StoreError(dst.path() + ": cannot copy " + name + " from " + src_path);
    }
  }
  // Root attributes (format, network_spec, ...) become the group's attributes.
  hid_t root = H5Gopen2(sid, "/", H5P_DEFAULT);
  hid_t group = H5Gopen2(did, dst_group.c_str(), H5P_DEFAULT);
  H5O_info_t info;
  H5Oget_info2(root, &info, H5O_INFO_NUM_ATTRS);
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    hid_t a = H5Aopen_by_idx(root, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) a = H5Aopen_by_idx(root, ".", H5_INDEX_NAME, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0) continue;
    char name[256];
    H5Aget_name(a, sizeof name, name);
    hid_t type = H5Aget_type(a);
    hid_t space = H5Aget_space(a);
    const std::size_t bytes = H5Aget_storage_size(a);
    std::vector<unsigned char> buf(std::max<std::size_t>(bytes, H5Tget_size(type)) + 16);
    H5Aread(a, type, buf.data());
    if (H5Aexists(group, name) > 0) H5Adelete(group, name);
    hid_t b = H5Acreate2(group, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(b, type, buf.data());
    H5Aclose(b);
    H5Sclose(space);
    H5Tclose(type);
    H5Aclose(a);
  }
  H5Gclose(group);
  H5Gclose(root);
}

}  // namespace

std::vector<TableColumn> stageSummaryColumns() {
  using T = TableColumn::Type;
  return {{"stage", T::kString, 24},
          {"file", T::kString, 256},
          {"accuracy", T::kFloat64, 0},
          {"params", T::kInt64, 0},
          {"weights", T::kInt64, 0},
          {"stored_bits", T::kInt64, 0},
          {"compression", T::kFloat64, 0},
          {"macros", T::kInt64, 0},
          {"utilization", T::kFloat64, 0},
          {"weight_load_cycles_per_inference", T::kInt64, 0},
          {"latency_cycles", T::kInt64, 0},
          {"energy_pj", T::kFloat64, 0},
          {"seconds", T::kFloat64, 0}};
}

void recordStage(const std::string& run_path, const std::string& config_json,
                 const StageSummary& summary, const std::string& stage_file) {
  const std::string tmp = run_path + ".tmp-" + std::to_string(::getpid());
  const bool exists = std::filesystem::exists(run_path);
  try {
    std::vector<std::string> completed;
    if (exists) {
      RunFileState st = readRunFile(run_path);
      completed = st.completed;
      std::filesystem::copy_file(run_path, tmp, std::filesystem::copy_options::overwrite_existing);
    }
    {
      H5File f(tmp, exists ? H5File::Mode::kReadWrite : H5File::Mode::kCreate);
      if (!exists) {
        f.setAttribute("/", "format", std::string(kFormat));
        f.setAttribute("/", "format_version", kFormatVersion);
        f.setAttribute("/", "cimscope_version", versionLine());
        f.setAttribute("/", "created", utcTimestamp());
        f.setAttribute("/", "config", config_json);
      }
      const std::string group = "/stages/" + summary.name;
      if (f.exists(group)) throw StoreError(run_path + ": stage " + summary.name + " is recorded already");
      if (!stage_file.empty()) copyFileInto(f, group, stage_file);
      RecordTableWriter summary_table(f, "/summary", stageSummaryColumns());
      summary_table.append(rowOf(summary));
      completed.push_back(summary.name);
      f.setAttribute("/", "stages_completed", nlohmann::json(completed).dump());
      f.setAttribute("/", "updated", utcTimestamp());
      f.flush();
    }
    std::filesystem::rename(tmp, run_path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

RunFileState readRunFile(const std::string& run_path) {
  if (!std::filesystem::exists(run_path)) throw StoreError(run_path + ": no such file");
  H5File f(run_path, H5File::Mode::kRead);
  const auto fmt = f.stringAttribute("/", "format");
  if (!fmt || *fmt != kFormat) {
    throw StoreError(run_path + ": not a cimscope run file (format is " +
                     (fmt ? "'" + *fmt + "'" : std::string("missing")) + ")");
  }
  const auto version = f.intAttribute("/", "format_version");
  if (!version || *version > kFormatVersion) {
    throw StoreError(run_path + ": run file format version " +
                     (version ? std::to_string(*version) : std::string("missing")) +
                     " is not supported (this build reads up to " +
                     std::to_string(kFormatVersion) + ")");
  }
  RunFileState st;
  st.config_json = f.stringAttribute("/", "config").value_or("");
  const auto done = f.stringAttribute("/", "stages_completed").value_or("[]");
  try {
    st.completed = nlohmann::json::parse(done).get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception&) {
    throw StoreError(run_path + ": attribute stages_completed is not a JSON list");
  }
  if (f.exists("/summary")) {
    const RecordTable t = readRecordTable(f, "/summary");
    for (const auto& r : t.rows) {
      StageSummary s;
      auto str = [&](const char* c) { return std::get<std::string>(r[t.columnIndex(c)]); };
      auto i64 = [&](const char* c) { return std::get<std::int64_t>(r[t.columnIndex(c)]); };
      auto dbl = [&](const char* c) { return std::get<double>(r[t.columnIndex(c)]); };
      s.name = str("stage");
      s.file = str("file");
      s.accuracy = dbl("accuracy");
      s.params = i64("params");
      s.weights = i64("weights");
      s.stored_bits = i64("stored_bits");
      s.compression = dbl("compression");
      s.macros = i64("macros");
      s.utilization = dbl("utilization");
      s.weight_load_cycles_per_inference = i64("weight_load_cycles_per_inference");
      s.latency_cycles = i64("latency_cycles");
      s.energy_pj = dbl("energy_pj");
      s.seconds = dbl("seconds");
      st.summaries.push_back(s);
    }
  }
  return st;
}

}  // namespace cimscope
