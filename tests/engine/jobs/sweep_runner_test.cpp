#include "engine/jobs/sweep_runner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "engine/adapt/trainer.h"
#include "engine/cim/macro_preset_catalog.h"
#include "engine/cim/network_mapper.h"
#include "engine/common/errors.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/h5_file.h"
#include "engine/store/record_table.h"
#include "engine/store/table_export.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

ExperimentConfig sweepConfig() {
  nlohmann::json j = {{"dataset", {{"name", "synthetic"}}},
                      {"model", {{"name", "resnet20"}}},
                      {"macro", "reference-256"},
                      {"sweep",
                       {{"axes",
                         {{"rows", {128, 256}},
                          {"active_wordlines", {64, 256}},
                          {"adc_bits", {4, 5, 6}}}},
                        {"threads", 2}}}};
  return ExperimentConfig::fromJson(j, "test");
}

class CountingObserver : public SweepObserver {
 public:
  explicit CountingObserver(std::int64_t stop_after = -1) : stop_after_(stop_after) {}
  bool onPoint(const SweepPoint&, std::int64_t, std::int64_t) override {
    ++seen;
    return stop_after_ < 0 || seen < stop_after_;
  }
  std::int64_t seen = 0;

 private:
  std::int64_t stop_after_;
};

std::map<std::int64_t, TableRow> rowsByIndex(const std::string& path, RecordTable* table = nullptr) {
  H5File f(path, H5File::Mode::kRead);
  RecordTable t = readRecordTable(f, "/points");
  std::map<std::int64_t, TableRow> out;
  const int ix = t.columnIndex("index");
  for (const auto& r : t.rows) {
    const auto i = std::get<std::int64_t>(r[ix]);
    EXPECT_TRUE(out.emplace(i, r).second) << "point " << i << " appears twice in " << path;
  }
  if (table) *table = t;
  return out;
}

TEST(SweepRunner, PointOrderIsTheProductWithTheLastAxisFastest) {
  ExperimentConfig c = sweepConfig();
  // Axes sorted by name: active_wordlines (2), adc_bits (3), rows (2).
  EXPECT_EQ(c.sweep.pointCount(), 12);
  EXPECT_EQ(sweepPointValues(c.sweep, 0), (std::vector<nlohmann::json>{64, 4, 128}));
  EXPECT_EQ(sweepPointValues(c.sweep, 1), (std::vector<nlohmann::json>{64, 4, 256}));
  EXPECT_EQ(sweepPointValues(c.sweep, 2), (std::vector<nlohmann::json>{64, 5, 128}));
  EXPECT_EQ(sweepPointValues(c.sweep, 11), (std::vector<nlohmann::json>{256, 6, 256}));
}

TEST(SweepRunner, EveryPointMatchesADirectMappingAndFailuresAreRecorded) {
  test::TempDir dir;
  const auto out = dir.file("s.h5");
  ExperimentConfig c = sweepConfig();
  CountingObserver obs;
  SweepResult r = runSweep(c, out, false, obs);
  EXPECT_EQ(r.total, 12);
  EXPECT_EQ(r.evaluated, 12);
  // active_wordlines 256 > rows 128 is invalid: 3 adc values x 1 = 3 failed points.
  EXPECT_EQ(r.failed, 3);
  RecordTable t;
  auto rows = rowsByIndex(out, &t);
  ASSERT_EQ(rows.size(), 12u);
  const NetworkShape shape = buildNetworkShape(c.network());
  for (const auto& [i, row] : rows) {
    const auto v = sweepPointValues(c.sweep, i);
    MacroSpec m = loadMacroPreset("reference-256");
    m.active_wordlines = v[0].get<int>();
    m.adc_bits = v[1].get<int>();
    m.rows = v[2].get<int>();
    const std::string status = std::get<std::string>(row[t.columnIndex("status")]);
    if (m.active_wordlines > m.rows) {
      EXPECT_EQ(status, "failed");
      EXPECT_NE(std::get<std::string>(row[t.columnIndex("error")]).find("active_wordlines"),
                std::string::npos);
      continue;
    }
    ASSERT_EQ(status, "ok") << std::get<std::string>(row[t.columnIndex("error")]);
    const MappingTotals want = mapNetwork(shape, m).total;
    EXPECT_EQ(std::get<std::int64_t>(row[t.columnIndex("macros")]), want.macros);
    EXPECT_EQ(std::get<std::int64_t>(row[t.columnIndex("latency_cycles")]), want.latency_cycles);
    EXPECT_DOUBLE_EQ(std::get<double>(row[t.columnIndex("utilization")]), want.utilization);
    EXPECT_DOUBLE_EQ(std::get<double>(row[t.columnIndex("energy_pj")]), want.energy_pj);
    EXPECT_TRUE(std::isnan(std::get<double>(row[t.columnIndex("accuracy")])));
    EXPECT_DOUBLE_EQ(std::get<double>(row[t.columnIndex("adc_bits")]), m.adc_bits);
  }
}

// Rows equal cell by cell, NaN equal to NaN (an unevaluated accuracy), wall time ignored.
bool sameRow(const TableRow& a, const TableRow& b, int seconds_column) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (static_cast<int>(i) == seconds_column) continue;
    const auto* x = std::get_if<double>(&a[i]);
    const auto* y = std::get_if<double>(&b[i]);
    if (x && y && std::isnan(*x) && std::isnan(*y)) continue;
    if (!(a[i] == b[i])) return false;
  }
  return true;
}

TEST(SweepRunner, CancelledSweepResumesWithoutRepeatingAPoint) {
  test::TempDir dir;
  ExperimentConfig c = sweepConfig();
  // 5 x 5 x 4 x 4 x 3 x 3 = 3,600 points: far more than finish before the cancel is seen.
  c.sweep.axes = {{"rows", {64, 128, 256, 512, 1024}},
                  {"cols", {64, 128, 256, 512, 1024}},
                  {"adc_bits", {3, 4, 5, 6}},
                  {"weight_bits", {2, 4, 6, 8}},
                  {"active_wordlines", {16, 32, 64}},
                  {"packing", {"dedicated", "packed", "dedicated"}}};
  const std::int64_t total = c.sweep.pointCount();
  c.sweep.threads = 1;
  CountingObserver stop_early(5);
  SweepResult first = runSweep(c, dir.file("s.h5"), false, stop_early);
  EXPECT_TRUE(first.cancelled);
  const auto partial = rowsByIndex(dir.file("s.h5"));
  EXPECT_GE(partial.size(), 5u);
  EXPECT_LT(static_cast<std::int64_t>(partial.size()), total);

  CountingObserver rest;
  SweepResult second = runSweep(c, dir.file("s.h5"), true, rest);
  EXPECT_EQ(second.resumed, static_cast<std::int64_t>(partial.size()));
  EXPECT_EQ(second.evaluated, total - second.resumed);
  const auto all = rowsByIndex(dir.file("s.h5"));
  EXPECT_EQ(static_cast<std::int64_t>(all.size()), total);

  CountingObserver full_obs;
  runSweep(c, dir.file("full.h5"), false, full_obs);
  const auto full = rowsByIndex(dir.file("full.h5"));
  RecordTable t;
  rowsByIndex(dir.file("full.h5"), &t);
  const int sec = t.columnIndex("seconds");
  ASSERT_EQ(full.size(), all.size());
  for (const auto& [i, row] : full) {
    ASSERT_TRUE(sameRow(row, all.at(i), sec)) << "point " << i;
  }
  // A third resume finds nothing to do.
  CountingObserver none;
  EXPECT_EQ(runSweep(c, dir.file("s.h5"), true, none).evaluated, 0);
}

TEST(SweepRunner, ExistingFileIsNotOverwrittenAndOtherConfigsAreRefused) {
  test::TempDir dir;
  ExperimentConfig c = sweepConfig();
  CountingObserver obs;
  runSweep(c, dir.file("s.h5"), false, obs);
  EXPECT_THROW(runSweep(c, dir.file("s.h5"), false, obs), StoreError);
  ExperimentConfig other = c;
  other.sweep.axes["adc_bits"] = {3};
  try {
    runSweep(other, dir.file("s.h5"), true, obs);
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("another config"), std::string::npos) << e.what();
  }
}

TEST(SweepRunner, ExportRoundTrip) {
  test::TempDir dir;
  ExperimentConfig c = sweepConfig();
  CountingObserver obs;
  runSweep(c, dir.file("s.h5"), false, obs);
  const auto tables = readExportTables(dir.file("s.h5"));
  ASSERT_EQ(tables.size(), 1u);
  writeJson(dir.file("s.json"), tables);
  writeCsv(dir.file("s.csv"), tables);
  const auto bytes = test::readBytes(dir.file("s.json"));
  const auto j = nlohmann::json::parse(std::string(bytes.begin(), bytes.end()));
  ASSERT_EQ(j["points"].size(), 12u);
  const RecordTable& t = tables[0].table;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    EXPECT_EQ(j["points"][r]["index"].get<std::int64_t>(),
              std::get<std::int64_t>(t.rows[r][t.columnIndex("index")]));
    EXPECT_EQ(j["points"][r]["macros"].get<std::int64_t>(),
              std::get<std::int64_t>(t.rows[r][t.columnIndex("macros")]));
    EXPECT_TRUE(j["points"][r]["accuracy"].is_null());
  }
  const auto csv = test::readBytes(dir.file("s.csv"));
  const std::string text(csv.begin(), csv.end());
  std::size_t lines = 0;
  for (char ch : text) lines += ch == '\n';
  EXPECT_EQ(lines, 13u);  // header + 12 points
  EXPECT_EQ(text.rfind("index,status,error,active_wordlines,adc_bits,rows,", 0), 0u) << text.substr(0, 80);
}

TEST(ExperimentConfig, ValidationNamesTheField) {
  auto bad = [](nlohmann::json j, const std::string& needle) {
    try {
      ExperimentConfig::fromJson(j, "cfg.json");
      ADD_FAILURE() << "accepted " << j.dump();
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  bad({{"datset", {}}}, "datset is not a known key");
  bad({{"dataset", {{"name", "imagenet"}}}}, "imagenet");
  bad({{"dataset", {{"subset_train", "many"}}}}, "dataset.subset_train");
  bad({{"model", {{"name", "alexnet"}}}}, "alexnet");
  bad({{"macro", {{"rows", 0}}}}, "rows");
  bad({{"macro", {{"colour", 1}}}}, "colour");
  bad({{"baseline", {{"train", {{"epochs", -1}}}}}}, "train.epochs");
  bad({{"sweep", {{"axes", {{"wordlines", {1}}}}}}}, "sweep.axes.wordlines");
  bad({{"sweep", {{"axes", {{"rows", 256}}}}}}, "sweep.axes.rows must be a list");
  bad({{"sweep", {{"axes", {{"rows", {nlohmann::json::array()}}}}}}}, "sweep.axes.rows[0]");
  bad({{"sweep", {{"threads", -2}}}}, "sweep.threads");
  bad({{"seed", "x"}}, "seed");
  // The default round-trips through JSON.
  const ExperimentConfig d = ExperimentConfig::defaults();
  EXPECT_EQ(ExperimentConfig::fromJson(d.toJson(), "default").toJson(), d.toJson());
}

}  // namespace
}  // namespace cimscope

namespace cimscope {
namespace {

TEST(SweepRunner, EvaluatePointsMeasureTheCheckpointOnEachMacro) {
  test::TempDir dir;
  // A small float network that knows the synthetic data.
  DatasetConfig dc;
  dc.name = "synthetic";
  dc.synthetic_train = 512;
  dc.synthetic_test = 128;
  const Dataset d = loadDataset(dc);
  TrainJob job;
  job.network = networkSpecFor("lenet5", d);
  job.train.epochs = 2;
  job.train.batch_size = 64;
  job.train.lr = 0.05;
  job.train.threads = 1;
  job.out_checkpoint = dir.file("float.h5");
  TrainObserver none;
  const double float_acc = trainNetwork(job, d, none).final_eval.accuracy;
  ASSERT_GT(float_acc, 0.9);

  nlohmann::json j = {{"dataset", {{"name", "synthetic"}, {"synthetic_train", 512}, {"synthetic_test", 128}}},
                      {"model", {{"name", "lenet5"}}},
                      {"sweep", {{"axes", {{"adc_bits", {1, 16}}, {"weight_bits", {8}}}},
                                 {"evaluate", "evaluate"},
                                 {"checkpoint", dir.file("float.h5")},
                                 {"threads", 1}}}};
  ExperimentConfig c = ExperimentConfig::fromJson(j, "eval-sweep");
  CountingObserver obs;
  SweepResult r = runSweep(c, dir.file("s.h5"), false, obs);
  EXPECT_EQ(r.failed, 0);
  RecordTable t;
  auto rows = rowsByIndex(dir.file("s.h5"), &t);
  ASSERT_EQ(rows.size(), 2u);
  const double one_bit = std::get<double>(rows.at(0)[t.columnIndex("accuracy")]);
  const double wide = std::get<double>(rows.at(1)[t.columnIndex("accuracy")]);
  // 8-bit weights and a 16-bit ADC lose next to nothing; a 1-bit ADC (sign of each partial sum)
  // loses a lot.
  EXPECT_NEAR(wide, float_acc, 0.05);
  EXPECT_LT(one_bit, wide - 0.1);
  EXPECT_GE(one_bit, 0.0);

  // "retrain": ADC-aware QAT at the point's macro recovers much of what a 2-bit ADC loses.
  j["sweep"]["evaluate"] = "retrain";
  j["sweep"]["axes"] = {{"adc_bits", {2}}};
  j["stage2"] = {{"train", {{"epochs", 1}, {"batch_size", 64}, {"threads", 1}}}};
  ExperimentConfig rc = ExperimentConfig::fromJson(j, "retrain-sweep");
  runSweep(rc, dir.file("r.h5"), false, obs);
  auto rrows = rowsByIndex(dir.file("r.h5"), &t);
  ASSERT_EQ(rrows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(rrows.at(0)[t.columnIndex("status")]), "ok")
      << std::get<std::string>(rrows.at(0)[t.columnIndex("error")]);
  const double retrained = std::get<double>(rrows.at(0)[t.columnIndex("accuracy")]);
  EXPECT_GT(retrained, 0.5);

  // A Stage 1 budget axis: each point runs Stage 1 for its budget, then ADC-aware QAT.
  j["sweep"]["axes"] = {{"budget", {"pruned", 5}}};
  j["stage1"] = {{"shrink_epochs", 1}, {"finetune_epochs", 1},
                 {"shrink_train", {{"batch_size", 64}, {"threads", 1}}},
                 {"finetune_train", {{"batch_size", 64}, {"threads", 1}}}};
  ExperimentConfig bc = ExperimentConfig::fromJson(j, "budget-sweep");
  runSweep(bc, dir.file("b.h5"), false, obs);
  auto brows = rowsByIndex(dir.file("b.h5"), &t);
  ASSERT_EQ(brows.size(), 2u);
  for (const auto& [i, row] : brows) {
    ASSERT_EQ(std::get<std::string>(row[t.columnIndex("status")]), "ok")
        << std::get<std::string>(row[t.columnIndex("error")]);
  }
  // The 5-macro budget (one per layer, below the baseline's 7) is met by the adapted network.
  EXPECT_LE(std::get<std::int64_t>(brows.at(1)[t.columnIndex("macros")]), 5);
  EXPECT_EQ(std::get<std::string>(brows.at(1)[t.columnIndex("budget")]), "5");

  nlohmann::json bad = j;
  bad["sweep"]["evaluate"] = "mapping";
  EXPECT_THROW(ExperimentConfig::fromJson(bad, "x"), ConfigError);
}

}  // namespace
}  // namespace cimscope
