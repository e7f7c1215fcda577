// Stage 2 QAT and the ADC sweep end to end on tiny synthetic data (issue 6).
#include "engine/adapt/qat.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/adapt/adc_sweep.h"
#include "engine/adapt/distillation.h"
#include "engine/adapt/qat_calibration.h"
#include "engine/adapt/train_loop.h"
#include "engine/common/errors.h"
#include "engine/data/batch_loader.h"
#include "engine/nn/lsq_quantizer.h"
#include "engine/nn/quant_setup.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/checkpoint.h"
#include "engine/cim/network_mapper.h"
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

TEST(Qat, SimulatorCostsOnlyTheLayersOnTheMacro) {
  test::TempDir dir;
  const Dataset d = tinyData();
  const std::string f = floatCheckpoint(d, dir);
  TrainObserver quiet;
  QatJob j = qatJob(f, dir.file("xfl.h5"), true);
  j.quant.exclude_first_last = true;
  runQat(j, d, quiet);
  SimulationConfig sc;
  sc.checkpoint = dir.file("xfl.h5");
  sc.threads = 1;
  const SimulationResult s = simulateCheckpoint(sc, d);
  ASSERT_GE(s.layers.size(), 3u);
  EXPECT_FALSE(s.layers.front().quantized);
  EXPECT_FALSE(s.layers.back().quantized);
  // Conversions the simulator counted, layer by layer, against the cost model's count.
  std::int64_t counted = 0;
  for (const auto& l : s.layers) counted += l.conversions;
  EXPECT_EQ(s.per_inference.adc_conversions * s.samples, counted);
  // The same network mapped whole costs more: the first and last layer's conversions.
  const LoadedModel m = loadModel(dir.file("xfl.h5"));
  const MappingReport whole = mapNetwork(buildNetworkShape(m.spec), m.quant->macro);
  EXPECT_EQ(whole.total.adc_conversions - s.per_inference.adc_conversions,
            whole.layers.front().adc_conversions + whole.layers.back().adc_conversions);
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

TEST(Qat, ContinuingAStage2CheckpointKeepsItsAdcStepsForTheSameAdc) {
  test::TempDir dir;
  const Dataset d = tinyData();
  const std::string f = floatCheckpoint(d, dir);
  TrainObserver quiet;
  runQat(qatJob(f, dir.file("a.h5"), true), d, quiet);
  // Same macro: nothing is recalibrated, so before training the network is the input itself.
  QatResult more = runQat(qatJob(dir.file("a.h5"), dir.file("b.h5"), true), d, quiet);
  EXPECT_DOUBLE_EQ(more.calibrated_accuracy, evaluateCheckpoint(dir.file("a.h5"), d).accuracy);
  ASSERT_FALSE(more.warnings.empty());
  EXPECT_NE(more.warnings[0].find("ADC steps (same ADC) are kept"), std::string::npos)
      << more.warnings[0];
  // Another ADC resolution: the ADC steps start again from the data.
  QatJob other = qatJob(dir.file("a.h5"), dir.file("c.h5"), true);
  other.quant.macro.adc_bits = 3;
  QatResult re = runQat(other, d, quiet);
  ASSERT_FALSE(re.warnings.empty());
  EXPECT_NE(re.warnings[0].find("ADC steps recalibrated"), std::string::npos) << re.warnings[0];
}

TEST(Distillation, LossAndGradientMatchTheHandValues) {
  // T = 2: teacher logits (2 ln 3, 0) soften to p_t = (3/4, 1/4); student (0, 0) to (1/2, 1/2).
  // KL = 3/4 ln(3/2) + 1/4 ln(1/2); loss = T^2 KL; d loss / d student = T (p_s - p_t) / batch.
  torch::Tensor student = torch::zeros({1, 2}, torch::requires_grad());
  torch::Tensor teacher = torch::tensor({{2 * std::log(3.0f), 0.0f}});
  torch::Tensor loss = distillationLoss(student, teacher, 2.0);
  const double kl = 0.75 * std::log(1.5) + 0.25 * std::log(0.5);
  EXPECT_NEAR(loss.item<double>(), 4 * kl, 1e-6);
  loss.backward();
  EXPECT_NEAR(student.grad()[0][0].item<double>(), 2 * (0.5 - 0.75), 1e-6);
  EXPECT_NEAR(student.grad()[0][1].item<double>(), 2 * (0.5 - 0.25), 1e-6);
  // Equal logits: nothing to learn from the teacher.
  EXPECT_NEAR(distillationLoss(teacher, teacher, 4.0).item<double>(), 0.0, 1e-7);
  // The objective mixes it with the cross-entropy.
  torch::Tensor ce = torch::tensor(0.8f);
  EXPECT_NEAR(distilledObjective(ce, student.detach(), teacher, 0.25, 2.0).item<double>(),
              0.75 * 0.8 + 0.25 * 4 * kl, 1e-6);
}

TEST(Distillation, TheHookUsesTheTeachersEvalModeLogitsWithoutGradients) {
  // resnet20 has batch norms, so train- and eval-mode logits differ; the hook must use the
  // teacher's running statistics (eval) whatever mode it was left in, and never train it.
  const Dataset d = tinyData();
  const NetworkSpec spec = networkSpecFor("resnet20", d);
  NetworkModel teacher = buildModel(buildNetworkShape(spec), 7);
  {
    // Some batches in train mode move the running statistics away from their initial values.
    torch::NoGradGuard g;
    teacher->train();
    for (int i = 0; i < 3; ++i) teacher->forward(torch::randn({16, 1, 28, 28}) * 2 + 0.5);
  }
  const torch::Tensor images = torch::randn({8, 1, 28, 28});
  torch::Tensor eval_logits, train_logits;
  {
    // Train mode first: its forward moves the running statistics, which eval mode then reads.
    torch::NoGradGuard g;
    teacher->train();
    train_logits = teacher->forward(images);
    teacher->eval();
    eval_logits = teacher->forward(images);
  }
  ASSERT_GT((eval_logits - train_logits).abs().max().item<double>(), 1e-3);
  teacher->train();  // left in train mode on purpose
  const torch::Tensor student = torch::randn({8, 10}, torch::requires_grad());
  const torch::Tensor ce = torch::tensor(1.25f);
  auto hook = distillationHook(teacher, 0.3, 2.0);
  const torch::Tensor loss = hook(images, student, ce);
  EXPECT_NEAR(loss.item<double>(),
              distilledObjective(ce, student, eval_logits, 0.3, 2.0).item<double>(), 1e-6);
  EXPECT_GT(std::abs(loss.item<double>() -
                     distilledObjective(ce, student, train_logits, 0.3, 2.0).item<double>()),
            1e-4);
  loss.backward();
  EXPECT_TRUE(student.grad().defined());
  for (const auto& p : teacher->parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Qat, CalibrationAveragesActivationStepsOverTheBatches) {
  test::TempDir dir;
  const Dataset d = tinyData();
  LoadedModel m = loadModel(floatCheckpoint(d, dir));
  QuantConfig qc;
  qc.macro.active_wordlines = 64;
  configureQuantization(*m.model, qc);
  calibrateSteps(*m.model, d, LayerMode::kCim, {true, true, true, false}, 2, 64);
  // The first layer reads the normalized images (signed 4-bit codes, Qp = 7): its step is the
  // mean of LSQ's rule on the two batches, worked out here from the loader's batches.
  BatchLoaderConfig bc;
  bc.batch_size = 64;
  bc.shuffle = false;
  BatchLoader loader = BatchLoader::forTraining(d, bc);
  double per_batch[2];
  for (int b = 0; b < 2; ++b) {
    const Batch batch = loader.batch(b);
    double sum = 0;
    for (float v : batch.data) sum += std::abs(v);
    per_batch[b] = 2 * (sum / static_cast<double>(batch.data.size())) / std::sqrt(7.0);
  }
  const double expected = 0.5 * (per_batch[0] + per_batch[1]);
  ASSERT_GT(std::abs(per_batch[0] - per_batch[1]), 1e-3 * expected);  // the test can tell them apart
  const auto& first = m.model->layers().front();
  EXPECT_NEAR(first->act_step.item<double>(), expected, 1e-5 * expected);
  // The weights' step is LSQ's rule on the weights, and the calibration is over: another
  // forward leaves every step as it is.
  EXPECT_NEAR(first->weight_step.item<double>(),
              lsqInitialStep(first->weight, 7, false).item<double>(), 1e-6);
  const torch::Tensor act = first->act_step.clone(), adc = first->adc_step.clone();
  {
    torch::NoGradGuard g;
    m.model->forward(torch::randn({8, 1, 28, 28}) * 5);
  }
  EXPECT_TRUE(torch::equal(first->act_step, act));
  EXPECT_TRUE(torch::equal(first->adc_step, adc));
}

TEST(Qat, DistillsFromATeacherAndRecordsIt) {
  test::TempDir dir;
  const Dataset d = tinyData();
  const std::string f = floatCheckpoint(d, dir);
  TrainObserver quiet;
  QatJob job = qatJob(f, dir.file("kd.h5"), true);
  job.teacher_checkpoint = f;
  job.distill_weight = 0.7;
  job.distill_temperature = 3;
  job.step_init = "mse";
  QatResult r = runQat(job, d, quiet);
  EXPECT_DOUBLE_EQ(r.teacher_accuracy, evaluateCheckpoint(f, d).accuracy);
  const auto tc = nlohmann::json::parse(readCheckpointHeader(dir.file("kd.h5")).training_config_json);
  EXPECT_EQ(tc["qat"]["step_init"], "mse");
  EXPECT_EQ(tc["qat"]["distillation"]["teacher"], f);
  EXPECT_DOUBLE_EQ(tc["qat"]["distillation"]["weight"].get<double>(), 0.7);
  EXPECT_DOUBLE_EQ(tc["qat"]["distillation"]["temperature"].get<double>(), 3.0);
  // The distilled loss is what trained: it differs from the plain run's.
  QatResult plain = runQat(qatJob(f, dir.file("plain.h5"), true), d, quiet);
  EXPECT_NE(r.train.curve.train_loss.front(), plain.train.curve.train_loss.front());

  QatJob bad = job;
  bad.teacher_checkpoint = dir.file("missing.h5");
  try {
    runQat(bad, d, quiet);
    ADD_FAILURE() << "a missing teacher was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("qat.teacher"), std::string::npos) << e.what();
  }
  bad = job;
  bad.distill_weight = 0;
  EXPECT_THROW(bad.validate(), ConfigError);
  bad = job;
  bad.step_init = "minmax";
  EXPECT_THROW(bad.validate(), ConfigError);
}

TEST(TrainLoop, TheLossHookReplacesTheCrossEntropy) {
  // A loss hook returning 0 * cross-entropy leaves nothing to learn: with no weight decay the
  // parameters end where they started, while the same run without the hook moves them.
  test::TempDir dir;
  const Dataset d = tinyData();
  TrainConfig c = QatJob::defaultTrainConfig();
  c.epochs = 1;
  c.batch_size = 64;
  c.threads = 1;
  c.weight_decay = 0;
  TrainObserver quiet;
  auto run = [&](bool hooked) {
    LoadedModel m = loadModel(floatCheckpoint(d, dir));
    TrainHooks hooks;
    if (hooked) {
      hooks.loss = [](const torch::Tensor&, const torch::Tensor&, const torch::Tensor& ce) {
        return ce * 0.0;
      };
    }
    const torch::Tensor before = m.model->layers().front()->weight.detach().clone();
    trainModel(*m.model, d, c, quiet, hooks);
    return torch::equal(before, m.model->layers().front()->weight.detach());
  };
  EXPECT_TRUE(run(true));
  EXPECT_FALSE(run(false));
}

}  // namespace
}  // namespace cimscope
