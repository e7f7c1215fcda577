#include "engine/adapt/channel_surgery.h"

#include <algorithm>
#include <numeric>

#include "engine/common/errors.h"
#include "engine/nn/spec/network_templates.h"

namespace cimscope {

std::vector<std::vector<double>> bnGammas(const NetworkModelImpl& model) {
  std::vector<std::vector<double>> out(model.layers().size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    torch::Tensor g = model.bnWeight(static_cast<int>(i));
    if (!g.defined()) continue;
    torch::Tensor c = g.detach().abs().to(torch::kCPU, torch::kDouble).contiguous();
    out[i].assign(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  }
  return out;
}

NetworkModel reshapeNetwork(NetworkModelImpl& from, const NetworkSpec& to,
                            const std::vector<std::vector<int>>& sources,
                            const std::vector<std::vector<double>>& importance,
                            const WidenOptions& options) {
  const NetworkShape to_shape = buildNetworkShape(to);
  NetworkModel out = buildModel(to_shape, options.seed);
  transferChannels(from, *out, sources);

  // For every new channel (source -1): the channel of `out`'s group it copies.
  const std::size_t G = to_shape.width_groups.size();
  std::vector<std::vector<int>> copy_of(G);
  std::vector<std::vector<int>> copies(G);  // per channel of `out`: how many channels share it
  for (std::size_t g = 0; g < G; ++g) {
    const std::vector<int>& src = sources[g];
    std::vector<int> kept;  // channels of `out` that came from `from`
    for (std::size_t j = 0; j < src.size(); ++j) {
      if (src[j] >= 0) kept.push_back(static_cast<int>(j));
    }
    copy_of[g].assign(src.size(), -1);
    copies[g].assign(src.size(), 1);
    if (kept.size() == src.size()) continue;
    if (kept.empty()) {
      throw ConfigError("reshapeNetwork: width group " + to_shape.width_groups[g].name +
                        " keeps no channel to copy new ones from");
    }
    if (g < importance.size() && !importance[g].empty()) {
      std::stable_sort(kept.begin(), kept.end(), [&](int a, int b) {
        return importance[g][static_cast<std::size_t>(src[a])] >
               importance[g][static_cast<std::size_t>(src[b])];
      });
    }
    std::size_t k = 0;
    for (std::size_t j = 0; j < src.size(); ++j) {
      if (src[j] >= 0) continue;
      const int s = kept[k++ % kept.size()];
      copy_of[g][j] = s;
      ++copies[g][static_cast<std::size_t>(s)];
    }
    for (std::size_t j = 0; j < src.size(); ++j) {
      if (copy_of[g][j] >= 0) copies[g][j] = copies[g][static_cast<std::size_t>(copy_of[g][j])];
    }
  }

  torch::NoGradGuard guard;
  torch::manual_seed(options.seed + 7919);
  for (std::size_t i = 0; i < to_shape.layers.size(); ++i) {
    const LayerShape& l = to_shape.layers[i];
    CimLayerImpl& m = *out->layers()[i];
    // Producer: copy the source channel's incoming weights and its batch norm, plus noise.
    if (l.width_group >= 0) {
      const auto& cp = copy_of[static_cast<std::size_t>(l.width_group)];
      auto* bn = out->batchNormOf(static_cast<int>(i));
      for (std::size_t j = 0; j < cp.size(); ++j) {
        if (cp[j] < 0) continue;
        torch::Tensor row = m.weight[cp[j]].clone();
        const double sd = row.std().item<double>();
        if (options.noise > 0 && sd > 0) row += torch::randn_like(row) * (options.noise * sd);
        m.weight[static_cast<std::int64_t>(j)].copy_(row);
        if (m.bias.defined()) m.bias[static_cast<std::int64_t>(j)].copy_(m.bias[cp[j]]);
        if (bn) {
          for (auto& p : bn->named_parameters(false)) {
            p.value()[static_cast<std::int64_t>(j)].copy_(p.value()[cp[j]]);
          }
          for (auto& b : bn->named_buffers(false)) {
            if (b.value().dim() == 1) b.value()[static_cast<std::int64_t>(j)].copy_(b.value()[cp[j]]);
          }
        }
      }
    }
    // Reader: a channel and its copies share its outgoing weights.
    if (l.input_group >= 0) {
      const std::size_t g = static_cast<std::size_t>(l.input_group);
      const auto& cp = copy_of[g];
      const int width = to_shape.width_groups[g].width;
      const int per = l.cin / width;  // flattened positions per channel (1 for a conv)
      for (int j = 0; j < width; ++j) {
        const int n = copies[g][static_cast<std::size_t>(j)];
        if (n <= 1 || cp[static_cast<std::size_t>(j)] >= 0) continue;  // kept sources only
        m.weight.narrow(1, static_cast<std::int64_t>(j) * per, per).div_(n);
      }
      // Then the copies take the divided source columns, so all n carry an equal share.
      for (int j = 0; j < width; ++j) {
        const int s = cp[static_cast<std::size_t>(j)];
        if (s < 0) continue;
        m.weight.narrow(1, static_cast<std::int64_t>(j) * per, per)
            .copy_(m.weight.narrow(1, static_cast<std::int64_t>(s) * per, per));
      }
    }
  }
  return out;
}

}  // namespace cimscope
