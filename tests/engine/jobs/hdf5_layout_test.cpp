// The HDF5 layouts of docs/hdf5-schema.md, read with the plain HDF5 C API (not our wrapper),
// and the schema-version check of every reader (issue 7, "Store").
#include <gtest/gtest.h>
#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "engine/common/errors.h"
#include "engine/jobs/sweep_runner.h"
#include "engine/store/checkpoint.h"
#include "engine/store/run_file.h"
#include "engine/store/table_export.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

std::string rawStringAttr(hid_t obj, const char* name) {
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  EXPECT_GE(a, 0) << name;
  hid_t t = H5Aget_type(a);
  std::string s(H5Tget_size(t), '\0');
  H5Aread(a, t, s.data());
  H5Tclose(t);
  H5Aclose(a);
  s.resize(std::strlen(s.c_str()));
  return s;
}

long long rawIntAttr(hid_t obj, const char* name) {
  long long v = -1;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  return v;
}

void rawSetVersion(const std::string& path, long long v) {
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t a = H5Aopen(f, "format_version", H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  H5Fclose(f);
}

std::vector<hsize_t> rawDims(hid_t file, const char* path) {
  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  EXPECT_GE(d, 0) << path;
  hid_t sp = H5Dget_space(d);
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(sp)));
  H5Sget_simple_extent_dims(sp, dims.data(), nullptr);
  H5Sclose(sp);
  H5Dclose(d);
  return dims;
}

std::vector<std::string> rawMembers(hid_t file, const char* path) {
  hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  hid_t t = H5Dget_type(d);
  std::vector<std::string> names;
  EXPECT_EQ(H5Tget_class(t), H5T_COMPOUND);
  for (int i = 0; i < H5Tget_nmembers(t); ++i) {
    char* n = H5Tget_member_name(t, static_cast<unsigned>(i));
    names.emplace_back(n);
    H5free_memory(n);
  }
  H5Tclose(t);
  H5Dclose(d);
  return names;
}

CheckpointData smallCheckpoint() {
  CheckpointData d;
  d.network_spec_json = R"({"model":"lenet5","input":[1,28,28],"classes":10,"widths":[]})";
  d.training_config_json = "{}";
  d.epochs_completed = 1;
  d.tensors = {{"conv1.weight", {6, 1, 5, 5}, std::vector<float>(150, 0.5f)},
               {"bn1.running_mean", {6}, std::vector<float>(6, 0.0f)}};
  d.curve.epoch = {1};
  d.curve.train_loss = {1.0};
  d.curve.train_accuracy = {0.5};
  d.curve.test_loss = {1.1};
  d.curve.test_accuracy = {0.45};
  d.curve.learning_rate = {0.1};
  d.curve.seconds = {2.0};
  return d;
}

TEST(Hdf5Layout, CheckpointAsDocumented) {
  test::TempDir dir;
  writeCheckpoint(dir.file("ck.h5"), smallCheckpoint());
  hid_t f = H5Fopen(dir.file("ck.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(rawStringAttr(f, "format"), "cimscope-checkpoint");
  EXPECT_EQ(rawIntAttr(f, "format_version"), 1);
  EXPECT_EQ(rawStringAttr(f, "stage"), "float");
  EXPECT_NE(rawStringAttr(f, "network_spec").find("lenet5"), std::string::npos);
  EXPECT_EQ(rawDims(f, "/weights/conv1/weight"), (std::vector<hsize_t>{6, 1, 5, 5}));
  EXPECT_EQ(rawDims(f, "/weights/bn1/running_mean"), (std::vector<hsize_t>{6}));
  EXPECT_EQ(rawDims(f, "/curve/test_accuracy"), (std::vector<hsize_t>{1}));
  H5Fclose(f);
  rawSetVersion(dir.file("ck.h5"), 2);
  try {
    readCheckpoint(dir.file("ck.h5"));
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("version 2 is not supported"), std::string::npos) << e.what();
  }
}

TEST(Hdf5Layout, SweepFileAsDocumented) {
  test::TempDir dir;
  ExperimentConfig c = ExperimentConfig::fromJson(
      {{"dataset", {{"name", "synthetic"}}}, {"model", {{"name", "lenet5"}}},
       {"sweep", {{"axes", {{"adc_bits", {4, 5}}, {"packing", {"dedicated", "packed"}}}}}}},
      "layout");
  SweepObserver none;
  runSweep(c, dir.file("s.h5"), false, none);
  hid_t f = H5Fopen(dir.file("s.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_EQ(rawStringAttr(f, "format"), "cimscope-sweep");
  EXPECT_EQ(rawIntAttr(f, "format_version"), 1);
  EXPECT_EQ(rawIntAttr(f, "points_total"), 4);
  EXPECT_NE(rawStringAttr(f, "axes").find("\"field\":\"adc_bits\""), std::string::npos);
  EXPECT_EQ(rawDims(f, "/points"), (std::vector<hsize_t>{4}));
  const auto m = rawMembers(f, "/points");
  for (const char* want : {"index", "status", "error", "adc_bits", "packing", "macros", "utilization",
                           "latency_cycles", "weight_load_cycles_per_inference", "energy_pj",
                           "accuracy", "stored_bits"}) {
    EXPECT_NE(std::find(m.begin(), m.end(), want), m.end()) << want;
  }
  // Extendible and chunked: a resumed sweep appends to the same dataset.
  hid_t d = H5Dopen2(f, "/points", H5P_DEFAULT);
  hid_t sp = H5Dget_space(d);
  hsize_t dims[1], max[1];
  H5Sget_simple_extent_dims(sp, dims, max);
  EXPECT_EQ(max[0], H5S_UNLIMITED);
  H5Sclose(sp);
  H5Dclose(d);
  H5Fclose(f);
  rawSetVersion(dir.file("s.h5"), 2);
  EXPECT_THROW(runSweep(c, dir.file("s.h5"), true, none), StoreError);
  EXPECT_THROW(readExportTables(dir.file("s.h5")), StoreError);
}

TEST(Hdf5Layout, RunFileAsDocumented) {
  test::TempDir dir;
  writeCheckpoint(dir.file("baseline.h5"), smallCheckpoint());
  StageSummary s;
  s.name = "baseline";
  s.file = dir.file("baseline.h5");
  s.accuracy = 0.45;
  s.macros = 7;
  recordStage(dir.file("run.h5"), R"({"model":{"name":"lenet5"}})", s, s.file);
  hid_t f = H5Fopen(dir.file("run.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  EXPECT_EQ(rawStringAttr(f, "format"), "cimscope-run");
  EXPECT_EQ(rawIntAttr(f, "format_version"), 1);
  EXPECT_EQ(rawStringAttr(f, "stages_completed"), "[\"baseline\"]");
  EXPECT_EQ(rawDims(f, "/stages/baseline/weights/conv1/weight"), (std::vector<hsize_t>{6, 1, 5, 5}));
  hid_t g = H5Gopen2(f, "/stages/baseline", H5P_DEFAULT);
  EXPECT_EQ(rawStringAttr(g, "format"), "cimscope-checkpoint");  // the stage file's root attributes
  H5Gclose(g);
  EXPECT_EQ(rawDims(f, "/summary"), (std::vector<hsize_t>{1}));
  const auto m = rawMembers(f, "/summary");
  EXPECT_EQ(m.front(), "stage");
  H5Fclose(f);
  rawSetVersion(dir.file("run.h5"), 2);
  EXPECT_THROW(readRunFile(dir.file("run.h5")), StoreError);
}

}  // namespace
}  // namespace cimscope
