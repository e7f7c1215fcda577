// The torch-free readers of Stage 1, ADC-sweep and sweep results (engine/store/result_readers.h).
// The files are written with the store's own writers (H5File, RecordTableWriter) in the layouts
// of docs/hdf5-schema.md; the GUI's pipeline test reads the real engine output end to end.
#include "engine/store/result_readers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/common/errors.h"
#include "engine/store/h5_file.h"
#include "engine/store/record_table.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

void writeImportance(H5File& f, const std::string& g, double scale) {
  // Two weight layers with batch norms (2 and 3 channels) and a classifier without.
  const std::vector<double> sum = {1.5 * scale, 0.9 * scale, 0};
  const std::vector<double> share = {0.625, 0.375, 0};
  const std::vector<std::int64_t> bn = {1, 1, 0};
  const std::vector<double> gamma = {1.0 * scale, 0.5 * scale, 0.3 * scale, 0.3 * scale,
                                     0.3 * scale};
  const std::vector<std::int64_t> offset = {0, 2, 5, 5};
  f.createGroup(g);
  f.writeFloat64(g + "/layer_sum", {3}, sum.data());
  f.writeFloat64(g + "/layer_share", {3}, share.data());
  f.writeInt64(g + "/layer_has_batch_norm", {3}, bn.data());
  f.writeFloat64(g + "/channel_gamma", {5}, gamma.data());
  f.writeInt64(g + "/channel_offset", {4}, offset.data());
  f.setAttribute(g, "total", 2.4 * scale);
}

TEST(ResultReaders, MorphImportanceTakesTheLastStepWithATable) {
  test::TempDir dir;
  const std::string path = dir.file("stage1.h5");
  {
    H5File f(path, H5File::Mode::kCreate);
    f.createGroup("/morph");
    f.setAttribute("/morph", "steps", std::string(R"(["baseline","shrink","finetune"])"));
    f.setAttribute("/morph", "layer_names", std::string(R"(["conv1","conv2","fc"])"));
    writeImportance(f, "/morph/baseline/importance", 1);
    writeImportance(f, "/morph/shrink/importance", 2);
    f.createGroup("/morph/finetune");  // no importance table
  }
  const H5File f(path, H5File::Mode::kRead);
  const MorphImportanceFile m = readMorphImportance(f);
  EXPECT_EQ(m.step, "shrink");
  ASSERT_EQ(m.layers.size(), 3u);
  EXPECT_EQ(m.layers[1].name, "conv2");
  EXPECT_DOUBLE_EQ(m.layers[0].sum, 3.0);
  EXPECT_DOUBLE_EQ(m.total, 4.8);
  ASSERT_EQ(m.layers[1].gamma.size(), 3u);
  EXPECT_DOUBLE_EQ(m.layers[1].gamma[0], 0.6);
  EXPECT_FALSE(m.layers[2].has_batch_norm);
  EXPECT_TRUE(m.layers[2].gamma.empty());
  EXPECT_EQ(readMorphImportance(f, "", "baseline").layers[0].sum, 1.5);
}

TEST(ResultReaders, MorphImportanceInsideARunFileGroup) {
  test::TempDir dir;
  const std::string path = dir.file("run.h5");
  {
    H5File f(path, H5File::Mode::kCreate);
    f.createGroup("/stages/stage1/morph");
    f.setAttribute("/stages/stage1/morph", "steps", std::string(R"(["shrink"])"));
    f.setAttribute("/stages/stage1/morph", "layer_names", std::string(R"(["a","b","c"])"));
    writeImportance(f, "/stages/stage1/morph/shrink/importance", 1);
  }
  const H5File f(path, H5File::Mode::kRead);
  EXPECT_EQ(readMorphImportance(f, "/stages/stage1").layers.size(), 3u);
  EXPECT_THROW(readMorphImportance(f), StoreError);  // no /morph at the root
}

TEST(ResultReaders, AdcSweepFile) {
  test::TempDir dir;
  const std::string path = dir.file("adc.h5");
  {
    H5File f(path, H5File::Mode::kCreate);
    f.setAttribute("/", "format", std::string("cimscope-adc-sweep"));
    f.setAttribute("/", "float_accuracy", 0.91);
    f.setAttribute("/", "quantized_accuracy", 0.9);
    const std::vector<std::int64_t> bits = {3, 5};
    const std::vector<double> un = {0.2, 0.8}, aw = {0.6, -1}, sec = {1, 2};
    f.createGroup("/adc_sweep");
    f.writeInt64("/adc_sweep/adc_bits", {2}, bits.data());
    f.writeFloat64("/adc_sweep/unaware_accuracy", {2}, un.data());
    f.writeFloat64("/adc_sweep/aware_accuracy", {2}, aw.data());
    f.writeFloat64("/adc_sweep/seconds", {2}, sec.data());
  }
  const H5File f(path, H5File::Mode::kRead);
  const AdcSweepFile a = readAdcSweepFile(f);
  EXPECT_DOUBLE_EQ(a.float_accuracy, 0.91);
  EXPECT_DOUBLE_EQ(a.quantized_accuracy, 0.9);
  ASSERT_EQ(a.points.size(), 2u);
  EXPECT_EQ(a.points[1].adc_bits, 5);
  EXPECT_DOUBLE_EQ(a.points[0].aware_accuracy, 0.6);
  EXPECT_DOUBLE_EQ(a.points[1].aware_accuracy, -1);
}

TEST(ResultReaders, AdcSweepRejectsOtherFiles) {
  test::TempDir dir;
  const std::string path = dir.file("other.h5");
  { H5File f(path, H5File::Mode::kCreate); }
  const H5File f(path, H5File::Mode::kRead);
  EXPECT_THROW(readAdcSweepFile(f), StoreError);
  EXPECT_THROW(readSweepFile(f), StoreError);
}

TEST(ResultReaders, SweepFilePointsAndAxes) {
  test::TempDir dir;
  const std::string path = dir.file("sweep.h5");
  {
    H5File f(path, H5File::Mode::kCreate);
    f.setAttribute("/", "format", std::string("cimscope-sweep"));
    f.setAttribute("/", "config", std::string("{}"));
    f.setAttribute("/", "axes", std::string(R"([{"field":"packing","values":["dense"]},)"
                                            R"({"field":"rows","values":[128,256]}])"));
    f.setAttribute("/", "points_total", static_cast<std::int64_t>(2));
    using T = TableColumn::Type;
    RecordTableWriter w(f, "/points",
                        {{"index", T::kInt64}, {"status", T::kString, 8},
                         {"error", T::kString, 160}, {"packing", T::kString, 24},
                         {"rows", T::kFloat64}, {"macros", T::kInt64},
                         {"utilization", T::kFloat64}, {"latency_us", T::kFloat64},
                         {"energy_pj", T::kFloat64}, {"accuracy", T::kFloat64}});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    w.append(TableRow{std::int64_t{1}, std::string("ok"), std::string(), std::string("dense"),
                      256.0, std::int64_t{12}, 0.5, 3.25, 100.0, nan});
    w.append(TableRow{std::int64_t{0}, std::string("failed"), std::string("A > R"),
                      std::string("dense"), 128.0, std::int64_t{0}, 0.0, 0.0, 0.0, nan});
  }
  const H5File f(path, H5File::Mode::kRead);
  const SweepFile s = readSweepFile(f);
  ASSERT_EQ(s.axes.size(), 2u);
  EXPECT_EQ(s.axes[1], "rows");
  EXPECT_EQ(s.points_total, 2);
  ASSERT_EQ(s.rows.size(), 2u);
  EXPECT_EQ(s.rows[0].index, 1);
  EXPECT_TRUE(s.rows[0].ok);
  EXPECT_EQ(s.rows[0].values_json[0], "\"dense\"");
  EXPECT_EQ(s.rows[0].values_json[1], "256");
  EXPECT_EQ(s.rows[0].macros, 12);
  EXPECT_DOUBLE_EQ(s.rows[0].latency_us, 3.25);
  EXPECT_TRUE(std::isnan(s.rows[0].accuracy));
  EXPECT_FALSE(s.rows[1].ok);
  EXPECT_EQ(s.rows[1].error, "A > R");
}

}  // namespace
}  // namespace cimscope
