#include "engine/jobs/pipeline.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/adapt/trainer.h"
#include "engine/cim/network_mapper.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/common/errors.h"
#include "engine/store/checkpoint.h"
#include "engine/store/h5_file.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

ExperimentConfig tinyConfig() {
  nlohmann::json j = {
      {"dataset", {{"name", "synthetic"}, {"synthetic_train", 256}, {"synthetic_test", 64}}},
      {"model", {{"name", "lenet5"}}},
      {"baseline", {{"train", {{"epochs", 2}, {"batch_size", 64}, {"lr", 0.05}, {"threads", 1}}}}},
      {"stage1", {{"shrink_epochs", 1}, {"finetune_epochs", 1},
                  {"shrink_train", {{"batch_size", 64}, {"threads", 1}}},
                  {"finetune_train", {{"batch_size", 64}, {"threads", 1}}}}},
      {"stage2", {{"train", {{"epochs", 1}, {"batch_size", 64}, {"threads", 1}}}}},
      {"adc_sweep", {{"bits", {3}}, {"retrain_epochs", 1}, {"retrain", {{"batch_size", 64}, {"threads", 1}}}}}};
  return ExperimentConfig::fromJson(j, "tiny");
}

class Recorder : public PipelineObserver {
 public:
  void onProgress(const PipelineProgress& p) override {
    EXPECT_GE(p.fraction, last_fraction - 1e-9) << "run progress went backwards in " << p.stage;
    last_fraction = p.fraction;
    ++progress_calls;
  }
  void onStage(const StageSummary& s) override { stages.push_back(s.name); }
  double last_fraction = 0;
  int progress_calls = 0;
  std::vector<std::string> stages;
};

// Cancels once a given stage has started.
class CancelIn : public PipelineObserver {
 public:
  CancelIn(std::atomic<bool>& token, std::string stage) : token_(token), stage_(std::move(stage)) {}
  void onProgress(const PipelineProgress& p) override {
    if (p.stage == stage_ && p.stage_fraction > 0) token_.store(true);
  }

 private:
  std::atomic<bool>& token_;
  std::string stage_;
};

TEST(Pipeline, TinyRunGoesThroughEveryStageAndRecordsEach) {
  test::TempDir dir;
  const std::string run = dir.file("run.h5");
  Recorder rec;
  std::atomic<bool> cancel{false};
  PipelineResult r = runPipeline(tinyConfig(), run, false, rec, cancel);
  ASSERT_EQ(r.status, PipelineResult::Status::kCompleted);
  const std::vector<std::string> want = {"baseline", "stage1",    "stage2",
                                         "stage2_unaware", "adc_sweep", "simulate"};
  EXPECT_EQ(rec.stages, want);
  EXPECT_GT(rec.progress_calls, 5);
  EXPECT_NEAR(rec.last_fraction, 1.0, 0.05);

  const RunFileState st = readRunFile(run);
  EXPECT_EQ(st.completed, want);
  ASSERT_EQ(st.summaries.size(), want.size());
  EXPECT_GT(st.summaries[0].accuracy, 0.5);
  // Stage 2 stores 4-bit weights: its compression against the float baseline is large.
  EXPECT_GT(st.summaries[2].compression, 0.5);
  H5File f(run, H5File::Mode::kRead);
  for (const auto& s : want) EXPECT_TRUE(f.exists("/stages/" + s)) << s;
  EXPECT_TRUE(f.exists("/stages/baseline/weights/conv1/weight"));
  EXPECT_EQ(*f.stringAttribute("/stages/stage1", "stage"), "stage1");
  // The stages' own files are normal checkpoints.
  EXPECT_EQ(readCheckpoint(r.stages_dir + "/stage2.h5").stage, "stage2");
  // The simulator ran the Stage 2 network bit-accurately: its integer partial sums are the
  // fake-quantized forward's, so its accuracy is Stage 2's own.
  EXPECT_EQ(*f.intAttribute("/stages/simulate", "psum_mismatches"), 0);
  EXPECT_NEAR(st.summaries[5].accuracy, st.summaries[2].accuracy, 1.0 / 64 + 1e-9);
  // Without --resume an existing run is not overwritten.
  EXPECT_THROW(runPipeline(tinyConfig(), run, false, rec, cancel), StoreError);
}

TEST(Pipeline, Stage2DistilsFromTheBaselineWithMseStepsWhenConfigured) {
  nlohmann::json j = tinyConfig().toJson();
  j["stage1"]["enabled"] = false;
  j["adc_sweep"]["enabled"] = false;
  j["stage2"]["train_unaware"] = false;
  j["stage2"]["step_init"] = "mse";
  j["stage2"]["distill"] = true;
  j["stage2"]["distill_weight"] = 0.8;
  const ExperimentConfig c = ExperimentConfig::fromJson(j, "kd");
  EXPECT_EQ(ExperimentConfig::fromJson(c.toJson(), "again").toJson(), c.toJson());
  test::TempDir dir;
  Recorder rec;
  std::atomic<bool> cancel{false};
  PipelineResult r = runPipeline(c, dir.file("run.h5"), false, rec, cancel);
  ASSERT_EQ(r.status, PipelineResult::Status::kCompleted);
  const auto tc =
      nlohmann::json::parse(readCheckpoint(r.stages_dir + "/stage2.h5").training_config_json);
  EXPECT_EQ(tc["qat"]["step_init"], "mse");
  EXPECT_EQ(tc["qat"]["distillation"]["teacher"], r.stages_dir + "/baseline.h5");
  EXPECT_DOUBLE_EQ(tc["qat"]["distillation"]["weight"].get<double>(), 0.8);

  j["stage2"]["step_init"] = "max";
  try {
    ExperimentConfig::fromJson(j, "bad");
    ADD_FAILURE() << "step_init \"max\" was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("stage2.step_init"), std::string::npos) << e.what();
  }
}

// First and last layers in float: the stage2 and simulate summaries cost the layers between
// them (what the macro runs), and keep the whole network's parameters.
TEST(Pipeline, Stage2WithFirstAndLastInFloatCostsTheLayersOnTheMacro) {
  nlohmann::json j = tinyConfig().toJson();
  j["stage1"]["enabled"] = false;
  j["adc_sweep"]["enabled"] = false;
  j["stage2"]["train_unaware"] = false;
  j["stage2"]["exclude_first_last"] = true;
  const ExperimentConfig c = ExperimentConfig::fromJson(j, "xfl");
  test::TempDir dir;
  Recorder rec;
  std::atomic<bool> cancel{false};
  PipelineResult r = runPipeline(c, dir.file("run.h5"), false, rec, cancel);
  ASSERT_EQ(r.status, PipelineResult::Status::kCompleted);
  NetworkSpec spec;
  spec.model = "lenet5";
  const NetworkShape whole = buildNetworkShape(spec);
  NetworkShape middle = whole;
  middle.layers.pop_back();
  middle.layers.erase(middle.layers.begin());
  const MappingTotals on_macro = mapNetwork(middle, c.macro()).total;
  const MappingTotals all = mapNetwork(whole, c.macro()).total;
  ASSERT_LT(on_macro.energy_pj, all.energy_pj);
  int checked = 0;
  for (const StageSummary& s : r.stages) {
    if (s.name != "stage2" && s.name != "simulate") continue;
    ++checked;
    EXPECT_DOUBLE_EQ(s.energy_pj, on_macro.energy_pj) << s.name;
    EXPECT_EQ(s.latency_cycles, on_macro.latency_cycles) << s.name;
    EXPECT_EQ(s.macros, on_macro.macros) << s.name;
    EXPECT_EQ(s.params, all.params) << s.name;
  }
  EXPECT_EQ(checked, 2);
}

TEST(Pipeline, Stage1FineTuneDistilsFromTheBaselineWhenConfigured) {
  nlohmann::json j = tinyConfig().toJson();
  j["stage2"]["enabled"] = false;
  j["adc_sweep"]["enabled"] = false;
  j["stage1"]["distill"] = true;
  j["stage1"]["distill_temperature"] = 2.5;
  const ExperimentConfig c = ExperimentConfig::fromJson(j, "kd1");
  EXPECT_TRUE(c.stage1_distill);
  EXPECT_DOUBLE_EQ(c.stage1.finetune_distill.temperature, 2.5);
  EXPECT_EQ(ExperimentConfig::fromJson(c.toJson(), "again").toJson(), c.toJson());
  test::TempDir dir;
  Recorder rec;
  std::atomic<bool> cancel{false};
  PipelineResult r = runPipeline(c, dir.file("run.h5"), false, rec, cancel);
  ASSERT_EQ(r.status, PipelineResult::Status::kCompleted);
  const auto tc =
      nlohmann::json::parse(readCheckpoint(r.stages_dir + "/stage1.h5").training_config_json);
  const auto& kd = tc["morph"]["finetune_distillation"];
  EXPECT_EQ(kd["teacher"], r.stages_dir + "/baseline.h5");
  EXPECT_DOUBLE_EQ(kd["weight"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(kd["temperature"].get<double>(), 2.5);
  // Without "distill" the stage-1 config names no teacher.
  const auto plain = tinyConfig();
  EXPECT_FALSE(plain.stage1_distill);

  j["stage1"]["distill_weight"] = 1.5;
  try {
    ExperimentConfig::fromJson(j, "bad");
    ADD_FAILURE() << "distill_weight 1.5 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("stage1.distill_weight"), std::string::npos) << e.what();
  }
}

TEST(Pipeline, CancelledRunKeepsFinishedStagesAndResumes) {
  test::TempDir dir;
  const std::string run = dir.file("run.h5");
  std::atomic<bool> cancel{false};
  CancelIn stop(cancel, "stage2");
  PipelineResult first = runPipeline(tinyConfig(), run, false, stop, cancel);
  EXPECT_EQ(first.status, PipelineResult::Status::kCancelled);
  const RunFileState mid = readRunFile(run);
  EXPECT_EQ(mid.completed, (std::vector<std::string>{"baseline", "stage1"}));

  cancel.store(false);
  Recorder rec;
  PipelineResult second = runPipeline(tinyConfig(), run, true, rec, cancel);
  EXPECT_EQ(second.status, PipelineResult::Status::kCompleted);
  EXPECT_EQ(second.resumed, (std::vector<std::string>{"baseline", "stage1"}));
  EXPECT_EQ(rec.stages,
            (std::vector<std::string>{"stage2", "stage2_unaware", "adc_sweep", "simulate"}));
  EXPECT_EQ(readRunFile(run).completed.size(), 6u);
  // The baseline was not trained again: its recorded summary is the first run's.
  EXPECT_DOUBLE_EQ(readRunFile(run).summaries[0].seconds, mid.summaries[0].seconds);

  ExperimentConfig other = tinyConfig();
  other.baseline_train.epochs = 3;
  EXPECT_THROW(runPipeline(other, run, true, rec, cancel), StoreError);
}

TEST(Pipeline, InterruptedBaselineContinuesAfterItsLastEpoch) {
  test::TempDir dir;
  const std::string run = dir.file("run.h5");
  ExperimentConfig c = tinyConfig();
  c.baseline_train.epochs = 3;
  c.stage1_enabled = false;
  c.stage2.enabled = false;
  // Cancel in epoch 2 of the baseline: epoch 1's checkpoint stays in the stages folder.
  std::atomic<bool> cancel{false};
  class StopInEpoch2 : public PipelineObserver {
   public:
    explicit StopInEpoch2(std::atomic<bool>& t) : t_(t) {}
    void onProgress(const PipelineProgress& p) override {
      if (p.message.rfind("epoch 2/", 0) == 0) t_.store(true);
    }
    std::atomic<bool>& t_;
  } stop(cancel);
  PipelineResult first = runPipeline(c, run, false, stop, cancel);
  ASSERT_EQ(first.status, PipelineResult::Status::kCancelled);
  EXPECT_FALSE(std::filesystem::exists(run));  // no stage finished yet
  EXPECT_EQ(readCheckpoint(first.stages_dir + "/baseline.h5").epochs_completed, 1);
  const auto epoch1 = readCheckpoint(first.stages_dir + "/baseline.h5").curve;

  cancel.store(false);
  Recorder rec;
  PipelineResult second = runPipeline(c, run, true, rec, cancel);
  ASSERT_EQ(second.status, PipelineResult::Status::kCompleted);
  const CheckpointData done = readCheckpoint(second.stages_dir + "/baseline.h5");
  EXPECT_EQ(done.epochs_completed, 3);
  ASSERT_EQ(done.curve.size(), 3u);
  EXPECT_EQ(done.curve.test_accuracy[0], epoch1.test_accuracy[0]);  // epoch 1 kept, not redone
  EXPECT_EQ(done.curve.train_loss[0], epoch1.train_loss[0]);
}

// Cancels in stage `stage` when its `n`-th training epoch (counting every training of the
// stage: Stage 1 runs shrink, then fine-tune) starts; records the epochs each run trained.
class StopAtEpoch : public PipelineObserver {
 public:
  StopAtEpoch(std::atomic<bool>* token, std::string stage, int n)
      : token_(token), stage_(std::move(stage)), n_(n) {}
  void onProgress(const PipelineProgress& p) override {
    if (p.stage != stage_ || p.message.rfind("epoch ", 0) != 0) return;
    const std::string epoch = p.message.substr(0, p.message.find(" batch"));
    if (epochs.empty() || epochs.back() != epoch) epochs.push_back(epoch);
    if (token_ && static_cast<int>(epochs.size()) == n_) token_->store(true);
  }
  void onLog(const std::string& line) override { logs.push_back(line); }
  bool logged(const std::string& text) const {
    for (const auto& l : logs) {
      if (l.find(text) != std::string::npos) return true;
    }
    return false;
  }
  std::vector<std::string> epochs;  // "epoch 1/2", ... in the order they trained
  std::vector<std::string> logs;

 private:
  std::atomic<bool>* token_;
  std::string stage_;
  int n_;
};

TEST(Pipeline, InterruptedStage1ContinuesAfterTheLastEpochOfItsStep) {
  test::TempDir dir;
  const std::string run = dir.file("run.h5");
  ExperimentConfig c = tinyConfig();
  c.baseline_train.epochs = 1;
  c.stage1.shrink_epochs = 2;
  c.stage1.finetune_epochs = 2;
  c.stage2.enabled = false;
  // Shrink epochs 1, 2, then fine-tune epoch 1; cancel when fine-tune epoch 2 starts.
  std::atomic<bool> cancel{false};
  StopAtEpoch stop(&cancel, "stage1", 4);
  PipelineResult first = runPipeline(c, run, false, stop, cancel);
  ASSERT_EQ(first.status, PipelineResult::Status::kCancelled);
  EXPECT_EQ(readRunFile(run).completed, (std::vector<std::string>{"baseline"}));
  const std::string out = first.stages_dir + "/stage1.h5";
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(readCheckpoint(out + ".shrink.h5").epochs_completed, 2);
  EXPECT_EQ(readCheckpoint(out + ".shrink.h5").stage, "stage1-shrink");
  const CheckpointData ft1 = readCheckpoint(out + ".finetune.h5");
  EXPECT_EQ(ft1.epochs_completed, 1);

  cancel.store(false);
  StopAtEpoch watch(nullptr, "stage1", 0);
  PipelineResult second = runPipeline(c, run, true, watch, cancel);
  ASSERT_EQ(second.status, PipelineResult::Status::kCompleted);
  // Only fine-tune epoch 2 was trained; shrink and fine-tune epoch 1 were taken over.
  EXPECT_EQ(watch.epochs, (std::vector<std::string>{"epoch 2/2"}));
  EXPECT_TRUE(watch.logged("stage1 shrink: continued after epoch 2"));
  EXPECT_TRUE(watch.logged("stage1 finetune: continued after epoch 1"));
  const CheckpointData done = readCheckpoint(out);
  EXPECT_EQ(done.stage, "stage1");
  ASSERT_EQ(done.curve.size(), 2u);
  EXPECT_EQ(done.curve.test_accuracy[0], ft1.curve.test_accuracy[0]);
  EXPECT_EQ(done.curve.train_loss[0], ft1.curve.train_loss[0]);
  // The shrink step's per-epoch record (regularizer included) survived the interruption.
  H5File f(out, H5File::Mode::kRead);
  EXPECT_EQ(f.readArray("/morph/shrink/regularizer").values.size(), 2u);
  EXPECT_EQ(f.readArray("/morph/finetune/epoch_accuracy").values.size(), 2u);
  // The epoch files are removed once the stage is written.
  EXPECT_FALSE(std::filesystem::exists(out + ".shrink.h5"));
  EXPECT_FALSE(std::filesystem::exists(out + ".finetune.h5"));
  EXPECT_EQ(readRunFile(run).completed, (std::vector<std::string>{"baseline", "stage1"}));
}

TEST(Pipeline, InterruptedStage2ContinuesAfterItsLastEpoch) {
  test::TempDir dir;
  const std::string run = dir.file("run.h5");
  ExperimentConfig c = tinyConfig();
  c.baseline_train.epochs = 1;
  c.stage1_enabled = false;
  c.stage2.train.epochs = 3;
  c.stage2.train_unaware = false;
  c.adc_sweep.enabled = false;
  c.simulate = false;
  std::atomic<bool> cancel{false};
  StopAtEpoch stop(&cancel, "stage2", 3);  // cancel when epoch 3 starts
  PipelineResult first = runPipeline(c, run, false, stop, cancel);
  ASSERT_EQ(first.status, PipelineResult::Status::kCancelled);
  const std::string out = first.stages_dir + "/stage2.h5";
  const CheckpointData mid = readCheckpoint(out);
  EXPECT_EQ(mid.epochs_completed, 2);
  EXPECT_EQ(nlohmann::json::parse(mid.training_config_json)["qat"].count("cim_accuracy"), 0u);

  cancel.store(false);
  StopAtEpoch watch(nullptr, "stage2", 0);
  PipelineResult second = runPipeline(c, run, true, watch, cancel);
  ASSERT_EQ(second.status, PipelineResult::Status::kCompleted);
  EXPECT_EQ(watch.epochs, (std::vector<std::string>{"epoch 3/3"}));
  EXPECT_TRUE(watch.logged("stage2: continued after epoch 2"));
  const CheckpointData done = readCheckpoint(out);
  ASSERT_EQ(done.curve.size(), 3u);
  EXPECT_EQ(done.curve.test_accuracy[1], mid.curve.test_accuracy[1]);
  EXPECT_EQ(done.curve.train_loss[0], mid.curve.train_loss[0]);
  const auto qat = nlohmann::json::parse(done.training_config_json)["qat"];
  EXPECT_TRUE(qat.contains("cim_accuracy"));
  EXPECT_EQ(qat["calibrated_accuracy"], nlohmann::json::parse(mid.training_config_json)["qat"]["calibrated_accuracy"]);
  EXPECT_EQ(readRunFile(run).completed, (std::vector<std::string>{"baseline", "stage2"}));
}

}  // namespace
}  // namespace cimscope
