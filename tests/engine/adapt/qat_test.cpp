// Stage 2 QAT and the ADC sweep end to end on tiny synthetic data (issue 6).
#include "engine/adapt/qat.h"

#include <gtest/gtest.h>

#include "engine/adapt/adc_sweep.h"
#include "engine/cim/sim/simulation.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/store/h5_file.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

Dataset tinyData() {
  DatasetConfig c;
  c.name = "synthetic";
  c.synthetic_train = 256;
  c.synthetic_test = 128;
  c.seed = 3;
  return loadDataset(c);
}

std::string floatCheckpoint(const Dataset& d, const test::TempDir& dir) {
  TrainJob job;
  job.network = networkSpecFor("lenet5", d);
  job.train.epochs = 1;
  job.train.batch_size = 64;
  job.train.lr = 0.05;
  job.train.threads = 1;
  job.out_checkpoint = dir.file("float.h5");
  job.dataset_name = d.name;
  TrainObserver quiet;
  trainNetwork(job, d, quiet);
  return job.out_checkpoint;
}

QatJob qatJob(const std::string& in, const std::string& out, bool aware) {
  QatJob j;
  j.in_checkpoint = in;
  j.out_checkpoint = out;
  j.adc_aware = aware;
  j.quant.macro.active_wordlines = 64;
  j.train.epochs = 1;
  j.train.batch_size = 64;
  j.train.threads = 1;
  j.dataset_name = "synthetic";
  return j;
}

TEST(Qat, TrainsWritesAQuantizedCheckpointTheSimulatorAgreesWith) {
  test::TempDir dir;
  const Dataset d = tinyData();
  const std::string f = floatCheckpoint(d, dir);
  TrainObserver quiet;
  QatResult r = runQat(qatJob(f, dir.file("aware.h5"), true), d, quiet);
  EXPECT_EQ(r.train.epochs_completed, 1);
  EXPECT_NEAR(r.compression, 1.0 - 4.0 / 32.0, 1e-12);
  LoadedModel back = loadModel(dir.file("aware.h5"));
  ASSERT_TRUE(back.quant.has_value());
  EXPECT_EQ(back.quant->mode, LayerMode::kCim);
  EXPECT_EQ(back.file.stage, "stage2");
  // eval on the quantized checkpoint runs the fake-quantized (CIM) forward.
  EXPECT_DOUBLE_EQ(evaluateCheckpoint(dir.file("aware.h5"), d).accuracy, r.cim_eval.accuracy);

  SimulationConfig sc;
  sc.checkpoint = dir.file("aware.h5");
  sc.compare_fake_quant = true;
  sc.threads = 1;
  SimulationResult s = simulateCheckpoint(sc, d);
  EXPECT_EQ(s.samples, 128);
  EXPECT_EQ(s.argmax_agreement, 128);
  EXPECT_EQ(s.psum_mismatches, 0);
  EXPECT_LT(s.max_logit_difference, 1e-4);
  EXPECT_DOUBLE_EQ(s.accuracy, r.cim_eval.accuracy);
  EXPECT_GT(s.adc_conversions, 0);
}

TEST(Qat, AdcSweepWritesBothCurvesAndResumes) {
  test::TempDir dir;
  const Dataset d = tinyData();
  const std::string f = floatCheckpoint(d, dir);
  TrainObserver quiet;
  runQat(qatJob(f, dir.file("lsq.h5"), false), d, quiet);
  AdcSweepJob job;
  job.in_checkpoint = dir.file("lsq.h5");
  job.out_path = dir.file("sweep.h5");
  job.adc_bits = {3, 8};
  job.retrain_epochs = 1;
  job.retrain = QatJob::defaultTrainConfig();
  job.retrain.batch_size = 64;
  job.retrain.threads = 1;
  AdcSweepObserver obs;
  AdcSweepResult r = runAdcSweep(job, d, obs);
  ASSERT_EQ(r.points.size(), 2u);
  EXPECT_GE(r.points[0].aware_accuracy, 0);
  EXPECT_GT(r.float_accuracy, 0);
  H5File h(job.out_path, H5File::Mode::kRead);
  EXPECT_EQ(h.readArray("/adc_sweep/adc_bits").values, (std::vector<double>{3, 8}));
  // A rerun reads the finished points back instead of recomputing them.
  AdcSweepResult again = runAdcSweep(job, d, obs);
  ASSERT_EQ(again.points.size(), 2u);
  EXPECT_TRUE(again.points[0].resumed);
  EXPECT_DOUBLE_EQ(again.points[1].unaware_accuracy, r.points[1].unaware_accuracy);
}

}  // namespace
}  // namespace cimscope
