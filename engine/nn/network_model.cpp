#include "engine/nn/network_model.h"

#include <sstream>

#include "engine/common/errors.h"

namespace cimscope {

namespace F = torch::nn::functional;

namespace {

std::vector<std::string> splitDots(const std::string& s) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

std::string shapeText(c10::IntArrayRef s) {
  std::ostringstream o;
  o << "[";
  for (std::size_t i = 0; i < s.size(); ++i) o << (i ? "," : "") << s[i];
  o << "]";
  return o.str();
}

std::string shapeText(const std::vector<std::int64_t>& s) { return shapeText(c10::IntArrayRef(s)); }

}  // namespace

torch::nn::Module& NetworkModelImpl::containerFor(const std::string& dotted_path,
                                                  std::string* leaf) {
  const auto parts = splitDots(dotted_path);
  torch::nn::Module* parent = this;
  std::string prefix;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += (prefix.empty() ? "" : ".") + parts[i];
    auto it = containers_.find(prefix);
    if (it == containers_.end()) {
      auto m = std::make_shared<torch::nn::Module>(parts[i]);
      parent->register_module(parts[i], m);
      it = containers_.emplace(prefix, m).first;
    }
    parent = it->second.get();
  }
  *leaf = parts.back();
  return *parent;
}

NetworkModelImpl::NetworkModelImpl(const NetworkShape& shape) : shape_(shape) {
  layers_.resize(shape.layers.size());
  bn_modules_.resize(shape.ops.size());
  bn_of_layer_.assign(shape.layers.size(), nullptr);
  bn_weight_of_layer_.assign(shape.layers.size(), nullptr);
  keep_output_.assign(shape.ops.size() + 1, 0);
  int last_layer = -1;
  for (std::size_t i = 0; i < shape.ops.size(); ++i) {
    const NetworkOp& op = shape.ops[i];
    std::string leaf;
    switch (op.kind) {
      case OpKind::kConv: {
        const LayerShape& ls = shape.layers[op.layer];
        auto m = std::make_shared<CimConv2dImpl>(ls);
        containerFor(ls.name, &leaf).register_module(leaf, m);
        layers_[op.layer] = m;
        last_layer = op.layer;
        break;
      }
      case OpKind::kLinear: {
        const LayerShape& ls = shape.layers[op.layer];
        auto m = std::make_shared<CimLinearImpl>(ls);
        containerFor(ls.name, &leaf).register_module(leaf, m);
        layers_[op.layer] = m;
        last_layer = op.layer;
        break;
      }
      case OpKind::kBatchNorm: {
        torch::nn::Module& parent = containerFor(op.name, &leaf);
        const bool one_d = last_layer >= 0 && shape.layers[last_layer].kind == LayerKind::kLinear;
        if (one_d) {
          auto bn = parent.register_module(leaf, torch::nn::BatchNorm1d(op.out_c));
          bn_modules_[i] = torch::nn::AnyModule(bn);
          if (last_layer >= 0) {
            bn_of_layer_[last_layer] = bn.get();
            bn_weight_of_layer_[last_layer] = &bn->weight;
          }
        } else {
          auto bn = parent.register_module(leaf, torch::nn::BatchNorm2d(op.out_c));
          bn_modules_[i] = torch::nn::AnyModule(bn);
          if (last_layer >= 0) {
            bn_of_layer_[last_layer] = bn.get();
            bn_weight_of_layer_[last_layer] = &bn->weight;
          }
        }
        break;
      }
      case OpKind::kResidualAdd:
        keep_output_[op.from + 1] = 1;  // index 0 is the network input
        break;
      default:
        break;
    }
  }
}

torch::Tensor NetworkModelImpl::forward(const torch::Tensor& input) {
  return forward(input, LayerFn());
}

torch::Tensor NetworkModelImpl::forward(const torch::Tensor& input, const LayerFn& layer_fn) {
  std::vector<torch::Tensor> kept(shape_.ops.size() + 1);
  if (keep_output_[0]) kept[0] = input;
  torch::Tensor x = input;
  for (std::size_t i = 0; i < shape_.ops.size(); ++i) {
    const NetworkOp& op = shape_.ops[i];
    switch (op.kind) {
      case OpKind::kConv:
        x = layer_fn ? layer_fn(op.layer, x) : layers_[op.layer]->forward(x);
        if (channels_last_ && x.dim() == 4 &&
            !x.is_contiguous(at::MemoryFormat::ChannelsLast)) {
          x = x.contiguous(at::MemoryFormat::ChannelsLast);
        }
        break;
      case OpKind::kLinear:
        x = layer_fn ? layer_fn(op.layer, x) : layers_[op.layer]->forward(x);
        break;
      case OpKind::kBatchNorm:
        x = bn_modules_[i].forward(x);
        break;
      case OpKind::kRelu:
        x = torch::relu(x);
        break;
      case OpKind::kMaxPool:
        x = F::max_pool2d(x, F::MaxPool2dFuncOptions(op.kernel).stride(op.stride));
        break;
      case OpKind::kResidualAdd: {
        torch::Tensor sc = kept[op.from + 1];
        if (op.stride > 1) {
          sc = sc.slice(2, 0, c10::nullopt, op.stride).slice(3, 0, c10::nullopt, op.stride);
        }
        const std::int64_t c_in = sc.size(1), c_out = x.size(1);
        if (c_in > c_out) {
          sc = sc.narrow(1, 0, c_out);
        } else if (c_in < c_out) {
          sc = F::pad(sc, F::PadFuncOptions({0, 0, 0, 0, 0, c_out - c_in}));
        }
        x = x + sc;
        break;
      }
      case OpKind::kAvgPool:
        x = F::adaptive_avg_pool2d(x, F::AdaptiveAvgPool2dFuncOptions(1));
        break;
      case OpKind::kFlatten:
        x = x.flatten(1);
        break;
    }
    if (keep_output_[i + 1]) kept[i + 1] = x;
  }
  return x;
}

torch::nn::Module* NetworkModelImpl::batchNormOf(int layer) const { return bn_of_layer_.at(layer); }

torch::Tensor NetworkModelImpl::bnWeight(int layer) const {
  auto* w = bn_weight_of_layer_.at(layer);
  return w ? *w : torch::Tensor();
}

void NetworkModelImpl::setMode(LayerMode mode) {
  for (auto& l : layers_) l->setMode(mode);
}

std::vector<NamedArray> NetworkModelImpl::stateArrays() const {
  std::vector<NamedArray> out;
  auto add = [&out](const std::string& name, const torch::Tensor& t) {
    NamedArray a;
    a.name = name;
    a.shape.assign(t.sizes().begin(), t.sizes().end());
    torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    a.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    out.push_back(std::move(a));
  };
  for (const auto& p : named_parameters(true)) add(p.key(), p.value());
  for (const auto& b : named_buffers(true)) add(b.key(), b.value());
  return out;
}

void NetworkModelImpl::loadStateArrays(const std::vector<NamedArray>& arrays,
                                       const std::string& source) {
  std::map<std::string, const NamedArray*> by_name;
  for (const auto& a : arrays) by_name[a.name] = &a;
  torch::NoGradGuard guard;
  std::size_t used = 0;
  auto load = [&](const std::string& name, torch::Tensor& t) {
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      throw StoreError(source + ": tensor " + name + " is missing (the network spec has it, shape " +
                       shapeText(t.sizes()) + ")");
    }
    const NamedArray& a = *it->second;
    if (c10::IntArrayRef(a.shape) != t.sizes()) {
      throw StoreError(source + ": tensor " + name + " has shape " + shapeText(a.shape) +
                       " but the network spec expects " + shapeText(t.sizes()));
    }
    torch::Tensor src = torch::from_blob(const_cast<float*>(a.values.data()), t.sizes(),
                                         torch::kFloat32);
    t.copy_(src.to(t.scalar_type()));
    ++used;
  };
  for (auto& p : named_parameters(true)) load(p.key(), p.value());
  for (auto& b : named_buffers(true)) load(b.key(), b.value());
  if (used != arrays.size()) {
    for (const auto& a : arrays) {
      if (!named_parameters(true).contains(a.name) && !named_buffers(true).contains(a.name)) {
        throw StoreError(source + ": tensor " + a.name +
                         " is not part of the network its spec describes");
      }
    }
  }
}

NetworkModel buildModel(const NetworkShape& shape, std::uint64_t seed) {
  torch::manual_seed(seed);
  return NetworkModel(shape);
}

namespace {

// Copies src[src_idx] -> dst[dst_idx] along `dim` for the kept entries of `map` (map[j] = source
// index of destination j, -1 = keep dst).
void copyAlong(torch::Tensor& dst, const torch::Tensor& src, const std::vector<int>& map, int dim) {
  std::vector<std::int64_t> d, s;
  for (std::size_t j = 0; j < map.size(); ++j) {
    if (map[j] >= 0) {
      d.push_back(static_cast<std::int64_t>(j));
      s.push_back(map[j]);
    }
  }
  if (d.empty()) return;
  auto di = torch::tensor(d, torch::kLong), si = torch::tensor(s, torch::kLong);
  dst.index_copy_(dim, di, src.index_select(dim, si));
}

std::vector<int> identityMap(int n) {
  std::vector<int> m(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) m[i] = i;
  return m;
}

}  // namespace

void transferChannels(NetworkModelImpl& from, NetworkModelImpl& to,
                      const std::vector<std::vector<int>>& sources) {
  const NetworkShape& fs = from.shape();
  const NetworkShape& ts = to.shape();
  if (fs.model != ts.model || fs.layers.size() != ts.layers.size()) {
    throw ConfigError("transferChannels: networks differ (" + fs.model + " vs " + ts.model + ")");
  }
  if (sources.size() != ts.width_groups.size()) {
    throw ConfigError("transferChannels: " + std::to_string(sources.size()) +
                      " channel maps given, the network has " +
                      std::to_string(ts.width_groups.size()) + " width groups");
  }
  for (std::size_t g = 0; g < sources.size(); ++g) {
    if (static_cast<int>(sources[g].size()) != ts.width_groups[g].width) {
      throw ConfigError("transferChannels: group " + ts.width_groups[g].name + " map has " +
                        std::to_string(sources[g].size()) + " entries, width is " +
                        std::to_string(ts.width_groups[g].width));
    }
    for (int s : sources[g]) {
      if (s < -1 || s >= fs.width_groups[g].width) {
        throw ConfigError("transferChannels: group " + ts.width_groups[g].name + " source channel " +
                          std::to_string(s) + " out of range");
      }
    }
  }
  torch::NoGradGuard guard;
  for (std::size_t i = 0; i < ts.layers.size(); ++i) {
    const LayerShape& fl = fs.layers[i];
    const LayerShape& tl = ts.layers[i];
    const std::vector<int> out_map =
        tl.width_group >= 0 ? sources[tl.width_group] : identityMap(tl.cout);
    std::vector<int> in_map;
    if (tl.input_group >= 0) {
      const std::vector<int>& g = sources[tl.input_group];
      // A linear layer after flatten sees every channel at P spatial positions (c * P + p).
      const int from_width = fs.width_groups[tl.input_group].width;
      const int per = fl.cin / (fl.groups == 1 ? from_width : 1);
      if (fl.groups != 1 && tl.groups != 1) {
        throw ConfigError("transferChannels: grouped convolution " + tl.name + " is not supported");
      }
      for (int j : g) {
        for (int p = 0; p < per; ++p) in_map.push_back(j < 0 ? -1 : j * per + p);
      }
    } else {
      in_map = identityMap(tl.cin);
    }
    CimLayerImpl& fm = *from.layers()[i];
    CimLayerImpl& tm = *to.layers()[i];
    // Rows (output channels) first, then the input columns of the kept rows.
    torch::Tensor rows = tm.weight.clone();
    std::vector<std::int64_t> kept_in_d, kept_in_s;
    for (std::size_t j = 0; j < in_map.size(); ++j) {
      if (in_map[j] >= 0) {
        kept_in_d.push_back(static_cast<std::int64_t>(j));
        kept_in_s.push_back(in_map[j]);
      }
    }
    for (std::size_t j = 0; j < out_map.size(); ++j) {
      if (out_map[j] < 0 || kept_in_d.empty()) continue;
      torch::Tensor src_row = fm.weight[out_map[j]];
      torch::Tensor dst_row = rows[static_cast<std::int64_t>(j)];
      dst_row.index_copy_(0, torch::tensor(kept_in_d, torch::kLong),
                          src_row.index_select(0, torch::tensor(kept_in_s, torch::kLong)));
    }
    tm.weight.copy_(rows);
    if (tm.bias.defined() && fm.bias.defined()) copyAlong(tm.bias, fm.bias, out_map, 0);
    // The batch norm after the layer follows its output channels.
    auto* fbn = from.batchNormOf(static_cast<int>(i));
    auto* tbn = to.batchNormOf(static_cast<int>(i));
    if (fbn && tbn) {
      auto fp = fbn->named_parameters(false), tp = tbn->named_parameters(false);
      for (auto& p : tp) copyAlong(p.value(), fp[p.key()], out_map, 0);
      auto fb = fbn->named_buffers(false), tb = tbn->named_buffers(false);
      for (auto& b : tb) {
        if (b.value().dim() == 1) copyAlong(b.value(), fb[b.key()], out_map, 0);
        else b.value().copy_(fb[b.key()]);
      }
    }
  }
}

}  // namespace cimscope
