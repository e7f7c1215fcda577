#include "engine/adapt/morph.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/adapt/channel_surgery.h"
#include "engine/adapt/importance.h"
#include "engine/adapt/qat.h"
#include "engine/adapt/resource_regularizer.h"
#include "engine/adapt/trainer.h"
#include "engine/common/errors.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/nn/spec/network_templates.h"
#include "engine/store/checkpoint.h"
#include "engine/store/h5_file.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

NetworkSpec specOf(const std::string& model, std::vector<int> widths = {}) {
  NetworkSpec s;
  s.model = model;
  s.widths = std::move(widths);
  return s;
}

// Every other channel of every group kept; then each group widened to 1.5x its default width.
TEST(ChannelSurgery, PrunedAndWidenedNetworksStayValidForEveryTemplate) {
  for (const std::string& model : networkTemplateNames()) {
    SCOPED_TRACE(model);
    const NetworkShape s0 = buildNetworkShape(specOf(model));
    NetworkModel m0 = buildModel(s0, 3);
    std::vector<std::vector<int>> keep;
    std::vector<int> pw, ww;
    for (const auto& g : s0.width_groups) {
      std::vector<int> k;
      for (int j = 0; j < g.width; j += 2) k.push_back(j);
      pw.push_back(static_cast<int>(k.size()));
      ww.push_back(g.width + g.width / 2);
      keep.push_back(k);
    }
    NetworkModel pruned = reshapeNetwork(*m0, specOf(model, pw), keep, {}, WidenOptions{});
    // Residual coupling: every layer of a group has the group's width, every reader reads it.
    for (const NetworkModel* m : {&pruned}) {
      const NetworkShape& s = (*m)->shape();
      for (const auto& g : s.width_groups) {
        for (int li : g.layers) EXPECT_EQ(s.layers[li].cout, g.width) << s.layers[li].name;
      }
    }
    // Kept channels keep their weights exactly (layer 1 reads group of layer 0 and writes its own).
    const auto& l1 = s0.layers[1];
    const int g_out = l1.width_group, g_in = l1.input_group;
    if (g_out >= 0 && g_in >= 0 && l1.kind == LayerKind::kConv) {
      torch::Tensor a = pruned->layers()[1]->weight[1][1];
      torch::Tensor b = m0->layers()[1]->weight[keep[g_out][1]][keep[g_in][1]];
      EXPECT_TRUE(torch::equal(a, b));
    }
    std::vector<std::vector<int>> grow;
    for (std::size_t g = 0; g < pw.size(); ++g) {
      std::vector<int> src(static_cast<std::size_t>(ww[g]), -1);
      for (int j = 0; j < pw[g]; ++j) src[j] = j;
      grow.push_back(src);
    }
    NetworkModel wide = reshapeNetwork(*pruned, specOf(model, ww), grow, {}, WidenOptions{});
    for (NetworkModel* m : {&pruned, &wide}) {
      (*m)->eval();
      torch::NoGradGuard ng;
      torch::Tensor y = (*m)->forward(torch::randn({2, 1, 28, 28}));
      EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{2, 10}));
      EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
    }
    EXPECT_EQ(wide->shape().widths(), ww);
  }
}

// Without noise, splitting copies (Net2Net) leaves a chain network's function unchanged.
TEST(ChannelSurgery, SplitCopiesPreserveTheFunctionWithoutNoise) {
  for (const std::string model : {"lenet5", "vgg8"}) {
    SCOPED_TRACE(model);
    const NetworkShape s0 = buildNetworkShape(specOf(model));
    NetworkModel m0 = buildModel(s0, 5);
    // Give the batch norms non-trivial statistics and scales.
    {
      torch::NoGradGuard ng;
      for (std::size_t i = 0; i < s0.layers.size(); ++i) {
        auto* bn = m0->batchNormOf(static_cast<int>(i));
        if (!bn) continue;
        for (auto& p : bn->named_parameters(false)) p.value().uniform_(0.5, 1.5);
        for (auto& b : bn->named_buffers(false)) {
          if (b.value().dim() == 1) b.value().uniform_(0.5, 1.5);
        }
      }
    }
    std::vector<std::vector<int>> grow;
    std::vector<int> ww;
    for (const auto& g : s0.width_groups) {
      ww.push_back(g.width + 3);
      std::vector<int> src(static_cast<std::size_t>(g.width + 3), -1);
      for (int j = 0; j < g.width; ++j) src[j] = j;
      grow.push_back(src);
    }
    WidenOptions wo;
    wo.noise = 0;
    NetworkModel wide = reshapeNetwork(*m0, specOf(model, ww), grow, {}, wo);
    m0->eval();
    wide->eval();
    torch::NoGradGuard ng;
    torch::Tensor x = torch::randn({3, 1, 28, 28});
    torch::Tensor a = m0->forward(x), b = wide->forward(x);
    EXPECT_LT((a - b).abs().max().item<double>(), 1e-3 * (1 + a.abs().max().item<double>()));
  }
}

// R's autograd gradient against central finite differences, in double, and its value against
// the reference formula written out directly.
TEST(ResourceRegularizer, GradientMatchesFiniteDifferencesAndValueTheFormula) {
  for (const std::string model : {"lenet5", "resnet20", "vgg8"}) {
    SCOPED_TRACE(model);
    const NetworkShape s = buildNetworkShape(specOf(model));
    const ResourceRegularizer reg(s);
    torch::manual_seed(2);
    std::vector<torch::Tensor> gamma(s.layers.size());
    for (std::size_t i = 0; i < s.layers.size(); ++i) {
      if (s.layers[i].width_group < 0) continue;
      torch::Tensor mag = torch::rand({s.layers[i].cout}, torch::kDouble) + 0.2;
      torch::Tensor sign = torch::randint(0, 2, {s.layers[i].cout}, torch::kDouble) * 2 - 1;
      gamma[i] = (mag * sign).requires_grad_(true);
    }
    torch::Tensor r = reg(gamma);
    r.backward();
    // The reference: sum_L k_L (sum_i |g_L,i| + sum_j mean over the input group's BNs |g_j|).
    double ref = 0;
    for (std::size_t L = 0; L < s.layers.size(); ++L) {
      const LayerShape& l = s.layers[L];
      const double k = rowsPerInputChannel(s, static_cast<int>(L));
      if (gamma[L].defined()) ref += k * gamma[L].abs().sum().item<double>();
      if (l.input_group >= 0) {
        const WidthGroup& g = s.width_groups[l.input_group];
        torch::Tensor acc = torch::zeros({g.width}, torch::kDouble);
        for (int li : g.layers) acc += gamma[li].detach().abs();
        ref += k * (acc / static_cast<double>(g.layers.size())).sum().item<double>();
      }
    }
    EXPECT_NEAR(r.item<double>(), ref, 1e-9 * ref);
    const double h = 1e-6;
    for (std::size_t i = 0; i < s.layers.size(); i += 3) {
      if (!gamma[i].defined()) continue;
      for (std::int64_t j : {std::int64_t{0}, gamma[i].size(0) - 1}) {
        std::vector<torch::Tensor> gp, gm;
        for (const auto& t : gamma) {
          gp.push_back(t.defined() ? t.detach().clone() : t);
          gm.push_back(t.defined() ? t.detach().clone() : t);
        }
        {
          torch::NoGradGuard ng;
          gp[i][j] += h;
          gm[i][j] -= h;
        }
        const double fd = (reg(gp).item<double>() - reg(gm).item<double>()) / (2 * h);
        EXPECT_NEAR(gamma[i].grad()[j].item<double>(), fd, 1e-6 * (1 + std::fabs(fd)))
            << s.layers[i].name << "[" << j << "]";
      }
    }
  }
}

Dataset tinyData() {
  DatasetConfig c;
  c.name = "synthetic";
  c.synthetic_train = 256;
  c.synthetic_test = 128;
  c.seed = 4;
  return loadDataset(c);
}

MorphConfig quickConfig(const std::string& in, const std::string& out) {
  MorphConfig c;
  c.in_checkpoint = in;
  c.out_checkpoint = out;
  c.shrink_epochs = 1;
  c.finetune_epochs = 1;
  for (TrainConfig* t : {&c.shrink_train, &c.finetune_train}) {
    t->batch_size = 64;
    t->threads = 1;
    t->eval_batch_size = 128;
  }
  c.dataset_name = "synthetic";
  return c;
}

TEST(Morph, LambdaZeroAndThresholdZeroPruneNothing) {
  test::TempDir dir;
  const Dataset data = tinyData();
  const NetworkSpec spec = networkSpecFor("lenet5", data);
  NetworkModel m = buildModel(buildNetworkShape(spec), 1);
  saveModel(dir.file("base.h5"), *m, spec, "float", "{}", TrainingCurve{}, 0);
  MorphConfig c = quickConfig(dir.file("base.h5"), "");
  c.lambda = 0;
  c.threshold = 0;
  c.finetune_epochs = 0;
  c.budget = MorphBudget::kBaseline;
  TrainObserver quiet;
  const MorphResult r = runMorph(c, data, quiet);
  ASSERT_EQ(r.status, MorphResult::Status::kCompleted);
  EXPECT_EQ(r.pruned_channels, 0);
  ASSERT_NE(r.step("prune"), nullptr);
  EXPECT_EQ(r.step("prune")->widths, r.step("baseline")->widths);
  EXPECT_EQ(r.step("prune")->params, r.step("baseline")->params);
  EXPECT_LE(r.step("expand")->macros, r.step("baseline")->macros);
}

TEST(Morph, WritesAnAdaptedCheckpointWithOneGroupPerStep) {
  test::TempDir dir;
  const Dataset data = tinyData();
  const NetworkSpec spec = networkSpecFor("resnet20", data);
  NetworkModel m = buildModel(buildNetworkShape(spec), 1);
  saveModel(dir.file("base.h5"), *m, spec, "float", "{}", TrainingCurve{}, 0);
  MorphConfig c = quickConfig(dir.file("base.h5"), dir.file("out.h5"));
  c.keep_params = 0.5;
  c.macro.packing = Packing::kPacked;
  std::vector<std::string> heard;
  TrainObserver quiet;
  const MorphResult r =
      runMorph(c, data, quiet, [&](const MorphStepReport& s) { heard.push_back(s.name); });
  ASSERT_EQ(r.status, MorphResult::Status::kCompleted);
  EXPECT_EQ(heard, (std::vector<std::string>{"baseline", "shrink", "prune", "expand", "finetune"}));
  EXPECT_LE(r.step("prune")->params, r.step("baseline")->params / 2);
  EXPECT_LE(r.step("expand")->macros, r.budget_macros);
  EXPECT_EQ(r.step("shrink")->regularizer.size(), 1u);
  EXPECT_GT(r.step("shrink")->regularizer[0], 0);

  LoadedModel back = loadModel(dir.file("out.h5"));
  EXPECT_EQ(back.file.stage, "stage1");
  EXPECT_EQ(back.model->shape().widths(), r.adapted.widths);
  EXPECT_EQ(checkpointDatasetName(dir.file("out.h5")), "synthetic");
  // Stage 2 defaults to the macro Stage 1 adapted to (packed here, not the preset's dedicated).
  const std::optional<MacroSpec> morphed = checkpointMorphMacro(dir.file("out.h5"));
  ASSERT_TRUE(morphed.has_value());
  EXPECT_EQ(morphed->packing, Packing::kPacked);
  EXPECT_EQ(morphed->rows, c.macro.rows);
  EXPECT_FALSE(checkpointMorphMacro(dir.file("base.h5")).has_value());
  H5File f(dir.file("out.h5"), H5File::Mode::kRead);
  for (const char* step : {"baseline", "shrink", "prune", "expand", "finetune"}) {
    const std::string g = std::string("/morph/") + step;
    ASSERT_TRUE(f.exists(g)) << g;
    EXPECT_TRUE(f.intAttribute(g, "macros").has_value());
    EXPECT_TRUE(f.exists(g + "/widths"));
    EXPECT_TRUE(f.exists(g + "/importance/channel_gamma"));
  }
  EXPECT_EQ(f.readArray("/morph/finetune/widths").values.size(), r.group_names.size());
  EXPECT_TRUE(f.stringAttribute("/morph", "config").has_value());
}

TEST(Morph, FineTuneDistilsFromATeacherAndRecordsIt) {
  test::TempDir dir;
  const Dataset data = tinyData();
  const NetworkSpec spec = networkSpecFor("lenet5", data);
  NetworkModel m = buildModel(buildNetworkShape(spec), 1);
  saveModel(dir.file("base.h5"), *m, spec, "float", "{}", TrainingCurve{}, 0);
  NetworkModel other = buildModel(buildNetworkShape(spec), 5);
  saveModel(dir.file("teacher.h5"), *other, spec, "float", "{}", TrainingCurve{}, 0);
  TrainObserver quiet;
  MorphConfig plain = quickConfig(dir.file("base.h5"), dir.file("plain.h5"));
  plain.keep_params = 0.6;
  const MorphResult a = runMorph(plain, data, quiet);
  MorphConfig kd = plain;
  kd.out_checkpoint = dir.file("kd.h5");
  kd.finetune_distill = {dir.file("teacher.h5"), 0.7, 3.0};
  const MorphResult b = runMorph(kd, data, quiet);
  ASSERT_EQ(a.status, MorphResult::Status::kCompleted);
  ASSERT_EQ(b.status, MorphResult::Status::kCompleted);
  // Same shrink, prune and expand (the teacher is only in the fine-tune) ...
  EXPECT_EQ(a.step("expand")->widths, b.step("expand")->widths);
  EXPECT_EQ(a.step("expand")->accuracy, b.step("expand")->accuracy);
  // ... and a different fine-tune: the distilled loss trained it.
  const LoadedModel pa = loadModel(dir.file("plain.h5")), pb = loadModel(dir.file("kd.h5"));
  EXPECT_FALSE(torch::equal(pa.model->layers().front()->weight,
                            pb.model->layers().front()->weight));
  const auto cfg = nlohmann::json::parse(readCheckpointHeader(dir.file("kd.h5")).training_config_json);
  const auto& d = cfg["morph"]["finetune_distillation"];
  EXPECT_EQ(d["teacher"], dir.file("teacher.h5"));
  EXPECT_DOUBLE_EQ(d["weight"].get<double>(), 0.7);
  EXPECT_DOUBLE_EQ(d["temperature"].get<double>(), 3.0);
  const auto plain_cfg =
      nlohmann::json::parse(readCheckpointHeader(dir.file("plain.h5")).training_config_json);
  EXPECT_FALSE(plain_cfg["morph"].contains("finetune_distillation"));

  // A bad teacher fails before any training: no output and no epoch file.
  MorphConfig bad = kd;
  bad.out_checkpoint = dir.file("bad.h5");
  bad.finetune_distill.teacher = dir.file("missing.h5");
  try {
    runMorph(bad, data, quiet);
    ADD_FAILURE() << "a missing teacher was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("morph.teacher: "), std::string::npos) << e.what();
  }
  DatasetConfig cifar;
  cifar.name = "synthetic";
  cifar.synthetic_train = 8;
  cifar.synthetic_test = 8;
  cifar.synthetic_channels = 3;
  cifar.synthetic_height = cifar.synthetic_width = 32;
  const Dataset colour = loadDataset(cifar);
  const NetworkSpec cspec = networkSpecFor("lenet5", colour);
  NetworkModel cm = buildModel(buildNetworkShape(cspec), 1);
  saveModel(dir.file("colour.h5"), *cm, cspec, "float", "{}", TrainingCurve{}, 0);
  bad.finetune_distill.teacher = dir.file("colour.h5");
  try {
    runMorph(bad, data, quiet);
    ADD_FAILURE() << "a teacher for other data was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("morph.teacher " + dir.file("colour.h5")),
              std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.h5")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.h5") + ".shrink.h5"));
  bad.finetune_distill = {dir.file("teacher.h5"), 0.0, 3.0};
  EXPECT_THROW(bad.validate(), ConfigError);
  bad.finetune_distill = {dir.file("teacher.h5"), 0.5, 0.0};
  EXPECT_THROW(bad.validate(), ConfigError);
}

}  // namespace
}  // namespace cimscope
