#include "engine/data/synthetic_generator.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "engine/data/deterministic_rng.h"

namespace cimscope {
namespace {

constexpr std::uint64_t kPrototypeStream = 0x70726F746F;  // "proto"
constexpr std::uint64_t kTrainStream = 0x747261696E;      // "train"
constexpr std::uint64_t kTestStream = 0x74657374;         // "test"
constexpr double kPi = 3.14159265358979323846;
constexpr double kNoiseSigma = 0.08;

}  // namespace

SyntheticGenerator::SyntheticGenerator(const SyntheticConfig& config) : config_(config) {
  const int C = config_.channels, H = config_.height, W = config_.width;
  const double side = std::min(H, W);
  DeterministicRng rng(DeterministicRng::mix(config_.seed, kPrototypeStream));
  prototypes_.resize(static_cast<std::size_t>(config_.classes));
  for (auto& proto : prototypes_) {
    proto.assign(static_cast<std::size_t>(C) * H * W, 0.0f);
    std::vector<double> img(proto.size(), 0.0);
    // Stripes.
    const double angle = rng.uniform() * kPi;
    const double cycles = 1.5 + 2.5 * rng.uniform();
    const double phase = rng.uniform() * 2 * kPi;
    const double kx = std::cos(angle) * cycles * 2 * kPi / W;
    const double ky = std::sin(angle) * cycles * 2 * kPi / H;
    std::vector<double> stripe_weight(C);
    for (int c = 0; c < C; ++c) stripe_weight[c] = 0.15 + 0.3 * rng.uniform();
    for (int c = 0; c < C; ++c) {
      for (int y = 0; y < H; ++y) {
        for (int x = 0; x < W; ++x) {
          img[(c * H + y) * W + x] +=
              stripe_weight[c] * (0.5 + 0.5 * std::cos(kx * x + ky * y + phase));
        }
      }
    }
    // Blobs.
    for (int b = 0; b < 3; ++b) {
      const double cy = (0.15 + 0.7 * rng.uniform()) * H;
      const double cx = (0.15 + 0.7 * rng.uniform()) * W;
      const double sigma = std::max(0.7, (0.08 + 0.1 * rng.uniform()) * side);
      std::vector<double> colour(C);
      for (int c = 0; c < C; ++c) colour[c] = 0.3 + 0.7 * rng.uniform();
      for (int c = 0; c < C; ++c) {
        for (int y = 0; y < H; ++y) {
          for (int x = 0; x < W; ++x) {
            const double d2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
            img[(c * H + y) * W + x] += 0.8 * colour[c] * std::exp(-d2 / (2 * sigma * sigma));
          }
        }
      }
    }
    for (std::size_t i = 0; i < img.size(); ++i) {
      proto[i] = static_cast<float>(std::clamp(img[i], 0.0, 1.0));
    }
  }
}

ImageSet SyntheticGenerator::makeSplit(std::int64_t count, std::uint64_t stream) const {
  const int C = config_.channels, H = config_.height, W = config_.width;
  const int max_shift = std::max(1, std::min(H, W) / 10);
  DeterministicRng rng(DeterministicRng::mix(config_.seed, stream));

  ImageSet set;
  set.channels = C;
  set.height = H;
  set.width = W;
  set.labels.resize(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    set.labels[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i % config_.classes);
  }
  rng.shuffle(set.labels);
  set.pixels.resize(static_cast<std::size_t>(count) * set.sampleBytes());

  for (std::int64_t i = 0; i < count; ++i) {
    const auto& proto = prototypes_[set.labels[static_cast<std::size_t>(i)]];
    const int dy = static_cast<int>(rng.between(-max_shift, max_shift));
    const int dx = static_cast<int>(rng.between(-max_shift, max_shift));
    const double contrast = 0.8 + 0.4 * rng.uniform();
    std::uint8_t* out = set.pixels.data() + static_cast<std::size_t>(i) * set.sampleBytes();
    for (int c = 0; c < C; ++c) {
      for (int y = 0; y < H; ++y) {
        const int sy = y - dy;
        for (int x = 0; x < W; ++x) {
          const int sx = x - dx;
          const double base = (sy >= 0 && sy < H && sx >= 0 && sx < W)
                                  ? proto[(static_cast<std::size_t>(c) * H + sy) * W + sx]
                                  : 0.0;
          const double v = contrast * base + kNoiseSigma * rng.normal();
          out[(c * H + y) * W + x] =
              static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
        }
      }
    }
  }
  return set;
}

Dataset SyntheticGenerator::generate() const {
  Dataset d;
  d.name = "synthetic";
  for (int c = 0; c < config_.classes; ++c) d.class_names.push_back("class " + std::to_string(c));
  d.source = "synthetic (seed " + std::to_string(config_.seed) + ")";
  d.allows_horizontal_flip = false;  // prototypes are not mirror-symmetric
  d.train = makeSplit(config_.train, kTrainStream);
  d.test = makeSplit(config_.test, kTestStream);
  return d;
}

}  // namespace cimscope
