// Quantized and CIM forwards of CimConv2d / CimLinear against slow references (issue 6).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/cim/adc_function.h"
#include "engine/cim/macro_spec.h"
#include "engine/nn/cim_layer.h"
#include "engine/nn/model_checkpoint.h"
#include "engine/nn/quant_setup.h"
#include "engine/nn/spec/network_templates.h"
#include "tests/engine/test_util.h"

namespace cimscope {
namespace {

namespace F = torch::nn::functional;

LayerShape convShape(int cin, int cout, int k, int stride, int pad, int hw) {
  LayerShape s;
  s.name = "conv";
  s.kind = LayerKind::kConv;
  s.kh = s.kw = k;
  s.cin = cin;
  s.cout = cout;
  s.stride = stride;
  s.padding = pad;
  s.in_h = s.in_w = hw;
  s.out_h = s.out_w = (hw + 2 * pad - k) / stride + 1;
  return s;
}

LayerQuantSpec specFor(const LayerShape& l, int rows, int active, RowSplit split, int adc_bits,
                       bool per_channel = false) {
  MacroSpec m;
  m.rows = rows;
  m.cols = 16;
  m.active_wordlines = active;
  m.adcs = 16;
  m.row_split = split;
  m.adc_bits = adc_bits;
  QuantConfig q;
  q.macro = m;
  q.per_channel_weights = per_channel;
  q.per_column_adc = per_channel;
  NetworkShape net;
  net.layers = {l};
  LayerQuantSpec s = layerQuantSpec(net, 0, q);
  s.input_signed = false;
  return s;
}

// Plain-autograd LSQ code with the straight-through estimator (no custom kernels).
torch::Tensor steCode(const torch::Tensor& v, const torch::Tensor& s, double lo, double hi) {
  torch::Tensor t = (v / s).clamp(lo, hi);
  return t + (t.round() - t).detach();
}

// The slow reference: every wordline group's partial sum as its own convolution of the full
// input with the weights masked to the group's rows, ADC'd and summed; steps as plain tensors.
torch::Tensor referenceForward(CimLayerImpl& layer, const torch::Tensor& x, bool cim,
                               std::vector<torch::Tensor>* psums) {
  const LayerShape& l = layer.shape();
  const LayerQuantSpec& q = layer.quant();
  const double g_a = 1.0 / std::sqrt(static_cast<double>(x[0].numel()) * layer.inputHi());
  auto gs = [](const torch::Tensor& s, double g) { return (s - s * g).detach() + s * g; };
  torch::Tensor sa = gs(layer.act_step, g_a);
  torch::Tensor sw = gs(layer.weight_step, 1.0 / std::sqrt(static_cast<double>(
                                                  layer.weight.numel()) /
                                              layer.weight_step.numel() * layer.weightHi()));
  torch::Tensor xc = steCode(x, sa, layer.inputLo(), layer.inputHi());
  const std::int64_t cout = l.cout;
  torch::Tensor swb = sw.numel() == 1 ? sw : sw.reshape({cout, 1});
  torch::Tensor wc = steCode(layer.weight.reshape({cout, -1}), swb, layer.weightLo(),
                             layer.weightHi())
                         .reshape(layer.weight.sizes());
  auto product = [&](const torch::Tensor& w) {
    return l.kind == LayerKind::kConv
               ? F::conv2d(xc, w, F::Conv2dFuncOptions().stride(l.stride).padding(l.padding))
               : F::linear(xc, w);
  };
  std::vector<std::int64_t> ch(static_cast<std::size_t>(x.dim()), 1);
  ch[1] = cout;
  torch::Tensor y;
  if (!cim) {
    y = product(wc) * (sa * sw).reshape(sw.numel() == 1 ? std::vector<std::int64_t>{} : ch);
  } else {
    torch::Tensor acc;
    std::vector<torch::Tensor> ps;
    for (const auto& g : q.groups) {
      torch::Tensor mask = torch::zeros({cout, l.rows()});
      mask.narrow(1, g.begin, g.end - g.begin).fill_(1);
      ps.push_back(product(wc * mask.reshape(wc.sizes())));
    }
    const double per_sample = static_cast<double>(ps[0][0].numel()) * ps.size() /
                              layer.adc_step.numel();
    torch::Tensor sadc = layer.adcStepPerChannel(
        gs(layer.adc_step, 1.0 / std::sqrt(per_sample * layer.adcHi())));
    torch::Tensor sb = sadc.numel() == 1 ? sadc.reshape({}) : sadc.reshape(ch);
    for (auto& p : ps) {
      torch::Tensor c = steCode(p, sb, layer.adcLo(), layer.adcHi());
      acc = acc.defined() ? acc + c : c;
      if (psums) psums->push_back(p.detach().to(torch::kInt32));
    }
    torch::Tensor scale = (sadc * sa) * sw;
    y = acc * (scale.numel() == 1 ? scale.reshape({}) : scale.reshape(ch));
  }
  if (layer.bias.defined()) y = y + layer.bias.reshape(ch);
  return y;
}

void compareWithReference(CimLayerImpl& layer, const torch::Tensor& x0, bool cim,
                          const std::string& what) {
  layer.setMode(cim ? LayerMode::kCim : LayerMode::kQuantized);
  torch::Tensor x1 = x0.clone().requires_grad_(true), x2 = x0.clone().requires_grad_(true);
  layer.setCapturePartialSums(true);
  torch::Tensor y1 = layer.forward(x1);
  std::vector<torch::Tensor> ref_ps;
  torch::Tensor r = torch::randn(y1.sizes());
  (y1 * r).sum().backward();
  std::vector<torch::Tensor> g1;
  for (auto& p : layer.parameters()) {
    g1.push_back(p.grad().clone());
    p.mutable_grad().zero_();
  }
  torch::Tensor y2 = referenceForward(layer, x2, cim, &ref_ps);
  (y2 * r).sum().backward();
  EXPECT_TRUE(torch::allclose(y1, y2, 1e-5, 1e-5)) << what << " max diff "
                                                    << (y1 - y2).abs().max().item<double>();
  if (cim) {
    ASSERT_EQ(layer.capturedPartialSums().size(), ref_ps.size()) << what;
    for (std::size_t k = 0; k < ref_ps.size(); ++k) {
      EXPECT_TRUE(torch::equal(layer.capturedPartialSums()[k], ref_ps[k].contiguous()))
          << what << " group " << k;
    }
  }
  EXPECT_TRUE(torch::allclose(x1.grad(), x2.grad(), 1e-4, 1e-5)) << what << " input grad";
  std::size_t i = 0;
  for (auto& p : layer.named_parameters()) {
    EXPECT_TRUE(torch::allclose(g1[i], p.value().grad(), 2e-3, 1e-4))
        << what << " grad of " << p.key() << ": " << g1[i] << " vs " << p.value().grad();
    p.value().mutable_grad().zero_();
    ++i;
  }
  layer.setCapturePartialSums(false);
}

void calibrateOn(CimLayerImpl& layer, const torch::Tensor& x) {
  layer.setMode(LayerMode::kCim);
  layer.requestCalibration({true, true, true, false});
  torch::NoGradGuard g;
  layer.forward(x);
}

TEST(CimLayerQuant, GroupedConvPartialSumsEqualPerGroupReferenceBothRowSplits) {
  torch::manual_seed(11);
  // 7 input channels x 3x3 = 63 rows; R = 40 rows per tile, A = 20 active wordlines.
  // channel split: tiles of 4 channels, groups of 2 channels; consecutive: rows 20,20,|20,3.
  for (RowSplit split : {RowSplit::kChannel, RowSplit::kConsecutive}) {
    for (bool per_channel : {false, true}) {
      LayerShape l = convShape(7, 5, 3, 1, 1, 6);
      CimConv2d conv(l);
      conv->configureQuant(specFor(l, 40, 20, split, 4, per_channel));
      ASSERT_GT(conv->quant().groups.size(), 2u);
      torch::Tensor x = torch::rand({3, 7, 6, 6}) * 2;
      calibrateOn(*conv, x);
      const std::string what = std::string(toString(split)) + (per_channel ? " per-channel" : "");
      compareWithReference(*conv, x, true, what);
      compareWithReference(*conv, x, false, what + " quantized");
      // Channels-last input gives the same integer partial sums.
      compareWithReference(*conv, x.contiguous(at::MemoryFormat::ChannelsLast), true,
                           what + " channels-last");
    }
  }
}

TEST(CimLayerQuant, StridedConvAndLinearAgreeWithReference) {
  torch::manual_seed(12);
  LayerShape l = convShape(5, 4, 3, 2, 1, 7);
  CimConv2d conv(l);
  conv->configureQuant(specFor(l, 27, 18, RowSplit::kConsecutive, 3));
  torch::Tensor x = torch::rand({2, 5, 7, 7});
  calibrateOn(*conv, x);
  compareWithReference(*conv, x, true, "strided consecutive");

  LayerShape fl;
  fl.name = "fc";
  fl.kind = LayerKind::kLinear;
  fl.cin = 50;
  fl.cout = 6;
  fl.bias = true;
  CimLinear fc(fl);
  fc->configureQuant(specFor(fl, 32, 16, RowSplit::kChannel, 5));
  EXPECT_EQ(fc->quant().groups.size(), 4u);
  torch::Tensor xf = torch::rand({4, 50});
  calibrateOn(*fc, xf);
  compareWithReference(*fc, xf, true, "linear");
}

TEST(CimLayerQuant, WideAdcIsLosslessAgainstPlainQuantizedConv) {
  torch::manual_seed(13);
  LayerShape l = convShape(9, 6, 3, 1, 1, 5);
  for (RowSplit split : {RowSplit::kChannel, RowSplit::kConsecutive}) {
    CimConv2d conv(l);
    conv->configureQuant(specFor(l, 36, 18, split, 16));
    torch::Tensor x = torch::rand({2, 9, 5, 5});
    calibrateOn(*conv, x);
    EXPECT_FLOAT_EQ(conv->adc_step.item<float>(), 1.0f);
    torch::NoGradGuard g;
    torch::Tensor cim = conv->forward(x);
    conv->setMode(LayerMode::kQuantized);
    torch::Tensor quant = conv->forward(x);
    EXPECT_TRUE(torch::equal(cim, quant)) << toString(split);
    // A narrow ADC is not.
    conv->configureQuant(specFor(l, 36, 18, split, 3));
    calibrateOn(*conv, x);
    EXPECT_FALSE(torch::equal(conv->forward(x), quant)) << toString(split);
  }
}

TEST(CimLayerQuant, QuantizedCheckpointRoundTripsStepsAndMode) {
  test::TempDir dir;
  NetworkSpec spec;
  spec.model = "lenet5";
  spec.in_channels = 1;
  spec.in_height = spec.in_width = 28;
  spec.classes = 10;
  NetworkModel m = buildModel(buildNetworkShape(spec), 7);
  QuantConfig qc;
  qc.macro.active_wordlines = 64;
  qc.per_column_adc = true;
  configureQuantization(*m, qc);
  m->eval();
  torch::manual_seed(1);
  torch::Tensor x = torch::randn({4, 1, 28, 28});
  requestCalibration(*m, {true, true, true, false});
  torch::Tensor y;
  {
    torch::NoGradGuard g;
    m->forward(x);
    for (auto& l : m->layers()) l->adc_step.mul_(1.37);
    y = m->forward(x);
  }
  nlohmann::json cfg = {{"quantization", qc.toJson()}};
  saveModel(dir.file("q.h5"), *m, spec, "stage2", cfg.dump(), {}, 1);
  LoadedModel back = loadModel(dir.file("q.h5"));
  ASSERT_TRUE(back.quant.has_value());
  EXPECT_EQ(back.quant->mode, LayerMode::kCim);
  EXPECT_EQ(back.model->layers()[0]->mode(), LayerMode::kCim);
  EXPECT_TRUE(back.model->channelsLast());
  for (std::size_t i = 0; i < m->layers().size(); ++i) {
    EXPECT_TRUE(torch::equal(back.model->layers()[i]->adc_step, m->layers()[i]->adc_step));
    EXPECT_TRUE(torch::equal(back.model->layers()[i]->act_step, m->layers()[i]->act_step));
  }
  back.model->eval();
  torch::NoGradGuard g;
  EXPECT_TRUE(torch::equal(back.model->forward(x), y));
  // A float checkpoint still loads into a float model.
  NetworkModel f = buildModel(buildNetworkShape(spec), 7);
  saveModel(dir.file("f.h5"), *f, spec, "float", "{}", {}, 1);
  LoadedModel fb = loadModel(dir.file("f.h5"));
  EXPECT_FALSE(fb.quant.has_value());
  EXPECT_EQ(fb.model->layers()[0]->mode(), LayerMode::kFloat);
}

}  // namespace
}  // namespace cimscope
