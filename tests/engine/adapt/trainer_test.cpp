#include "engine/adapt/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"
#include "engine/nn/network_model.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/checkpoint.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

Dataset syntheticData(std::int64_t train = 1200, std::int64_t test = 300) {
  DatasetConfig c;
  c.name = "synthetic";
  c.synthetic_train = train;
  c.synthetic_test = test;
  c.seed = 3;
  return loadDataset(c);
}

TrainJob lenetJob(const Dataset& d, int epochs) {
  TrainJob job;
  job.network = networkSpecFor("lenet5", d);
  job.train.epochs = epochs;
  job.train.batch_size = 64;
  job.train.lr = 0.05;
  job.train.threads = 1;  // repeatable: one thread, one summation order
  job.train.seed = 11;
  job.dataset_name = d.name;
  return job;
}

// Stops after a given batch of a given epoch, as the GUI's Cancel button or Ctrl-C would.
class StopAt : public TrainObserver {
 public:
  StopAt(int epoch, std::int64_t batch) : epoch_(epoch), batch_(batch) {}
  bool onBatch(const TrainProgress& p) override {
    ++batches_seen;
    last = p;
    return !(p.epoch == epoch_ && p.batch == batch_);
  }
  int batches_seen = 0;
  TrainProgress last;

 private:
  int epoch_;
  std::int64_t batch_;
};

TEST(TrainConfig, LearningRateWarmsUpThenFollowsTheCosine) {
  TrainConfig c;
  c.lr = 0.1;
  c.epochs = 3;
  c.warmup_epochs = 1;
  // 10 steps per epoch: warm-up over steps 0..9 from lr/100, then a half cosine over 20 steps.
  EXPECT_NEAR(c.learningRate(0, 10), 0.001, 1e-12);
  EXPECT_NEAR(c.learningRate(5, 10), 0.1 * (0.01 + 0.99 * 0.5), 1e-12);
  EXPECT_NEAR(c.learningRate(10, 10), 0.1, 1e-12);
  EXPECT_NEAR(c.learningRate(20, 10), 0.05, 1e-12);  // half way: cos(pi/2) = 0
  EXPECT_NEAR(c.learningRate(30, 10), 0.0, 1e-12);
  c.schedule = "step";
  c.step_epochs = 2;
  c.step_gamma = 0.5;
  EXPECT_NEAR(c.learningRate(15, 10), 0.1, 1e-12);   // epoch 1.5
  EXPECT_NEAR(c.learningRate(25, 10), 0.05, 1e-12);  // epoch 2.5: one step
}

TEST(TrainConfig, ValidationNamesTheField) {
  TrainConfig c;
  c.lr = -1;
  try {
    c.validate();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("train.lr"), std::string::npos) << e.what();
  }
  c = TrainConfig();
  c.optimizer = "rmsprop";
  EXPECT_THROW(c.validate(), ConfigError);
  EXPECT_THROW(TrainConfig::fromJson({{"epochz", 3}}, "x.json"), ConfigError);
  EXPECT_THROW(TrainConfig::fromJson({{"epochs", "three"}}, "x.json"), ConfigError);
  EXPECT_EQ(TrainConfig::fromJson(TrainConfig().toJson(), "x.json").toJson(), TrainConfig().toJson());
}

TEST(Trainer, SmallNetworkLearnsTheSyntheticData) {
  const Dataset d = syntheticData();
  TrainObserver none;
  TrainResult r = trainNetwork(lenetJob(d, 3), d, none);
  EXPECT_EQ(r.status, TrainResult::Status::kCompleted);
  EXPECT_EQ(r.epochs_completed, 3);
  ASSERT_EQ(r.curve.size(), 3u);
  EXPECT_GT(r.final_eval.accuracy, 0.9);
  EXPECT_LT(r.curve.train_loss.back(), r.curve.train_loss.front());
  EXPECT_EQ(r.final_eval.samples, 300);
  std::int64_t counted = 0;
  for (auto n : r.final_eval.class_count) counted += n;
  EXPECT_EQ(counted, 300);
}

TEST(Trainer, SameSeedGivesTheSameRun) {
  const Dataset d = syntheticData(400, 100);
  TrainObserver none;
  TrainResult a = trainNetwork(lenetJob(d, 2), d, none);
  TrainResult b = trainNetwork(lenetJob(d, 2), d, none);
  EXPECT_EQ(a.curve.train_loss, b.curve.train_loss);
  EXPECT_EQ(a.curve.test_accuracy, b.curve.test_accuracy);
}

TEST(Trainer, CheckpointReproducesTheFinalEvaluation) {
  test::TempDir dir;
  const Dataset d = syntheticData(400, 100);
  TrainJob job = lenetJob(d, 2);
  job.out_checkpoint = dir.file("ck.h5");
  TrainObserver none;
  TrainResult r = trainNetwork(job, d, none);
  CheckpointData ck = readCheckpoint(job.out_checkpoint);
  EXPECT_EQ(ck.epochs_completed, 2);
  EXPECT_EQ(ck.curve.test_accuracy, r.curve.test_accuracy);
  EvalResult again = evaluateCheckpoint(job.out_checkpoint, d);
  EXPECT_DOUBLE_EQ(again.accuracy, r.final_eval.accuracy);
  EXPECT_DOUBLE_EQ(again.loss, r.final_eval.loss);
  EXPECT_EQ(checkpointNetworkSpec(job.out_checkpoint).model, "lenet5");
  EXPECT_EQ(checkpointDatasetName(job.out_checkpoint), "synthetic");
}

TEST(Trainer, CancelStopsAtTheBatchAndKeepsTheLastEpoch) {
  test::TempDir dir;
  const Dataset d = syntheticData(640, 100);  // 10 batches of 64
  TrainJob job = lenetJob(d, 3);
  job.out_checkpoint = dir.file("ck.h5");
  StopAt stop(2, 3);
  TrainResult r = trainNetwork(job, d, stop);
  EXPECT_EQ(r.status, TrainResult::Status::kCancelled);
  EXPECT_EQ(stop.batches_seen, 13);  // 10 in epoch 1, 3 in epoch 2, then nothing
  EXPECT_EQ(r.epochs_completed, 1);
  EXPECT_EQ(readCheckpoint(job.out_checkpoint).epochs_completed, 1);
  EXPECT_NO_THROW(evaluateCheckpoint(job.out_checkpoint, d));
}

TEST(Trainer, NonFiniteLossStopsWithEpochAndBatchAndKeepsTheGoodCheckpoint) {
  test::TempDir dir;
  const Dataset d = syntheticData(256, 64);
  TrainJob good = lenetJob(d, 1);
  good.out_checkpoint = dir.file("ck.h5");
  TrainObserver none;
  trainNetwork(good, d, none);

  // A checkpoint with a NaN weight makes the very first loss NaN.
  CheckpointData poisoned = readCheckpoint(good.out_checkpoint);
  poisoned.tensors[0].values[0] = std::nanf("");
  writeCheckpoint(dir.file("nan.h5"), poisoned);
  TrainJob bad = lenetJob(d, 2);
  bad.init_checkpoint = dir.file("nan.h5");
  bad.out_checkpoint = good.out_checkpoint;
  try {
    trainNetwork(bad, d, none);
    FAIL() << "expected TrainingDiverged";
  } catch (const TrainingDiverged& e) {
    EXPECT_NE(std::string(e.what()).find("epoch 1, batch 1"), std::string::npos) << e.what();
  }
  EXPECT_EQ(readCheckpoint(good.out_checkpoint).epochs_completed, 1);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  }
}

TEST(Trainer, MismatchedInputShapeIsAConfigError) {
  const Dataset d = syntheticData(128, 32);
  TrainJob job = lenetJob(d, 1);
  job.network.in_height = 32;
  job.network.in_width = 32;
  TrainObserver none;
  EXPECT_THROW(trainNetwork(job, d, none), ConfigError);
}

}  // namespace
}  // namespace cimscope
