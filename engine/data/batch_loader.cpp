#include "engine/data/batch_loader.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "engine/common/errors.h"
#include "engine/data/deterministic_rng.h"

namespace cimscope {
namespace {

// Stream tags so order and augmentation draw from unrelated sequences.
constexpr std::uint64_t kOrderStream = 0x6F72646572;  // "order"
constexpr std::uint64_t kAugmentStream = 0x6175676D;  // "augm"

}  // namespace

void BatchLoaderConfig::validate() const {
  if (batch_size < 1) {
    throw ConfigError("batch.batch_size: " + std::to_string(batch_size) +
                      " is out of range (expected >= 1)");
  }
  if (crop_padding < -1 || crop_padding > 64) {
    throw ConfigError("batch.crop_padding: " + std::to_string(crop_padding) +
                      " is out of range (expected 0..64, or -1 for the default)");
  }
  if (stats.mean.size() != stats.stddev.size()) {
    throw ConfigError("batch.stats: " + std::to_string(stats.mean.size()) + " means but " +
                      std::to_string(stats.stddev.size()) + " standard deviations");
  }
  for (std::size_t c = 0; c < stats.stddev.size(); ++c) {
    if (!(stats.stddev[c] > 0.0)) {
      throw ConfigError("batch.stats.stddev[" + std::to_string(c) + "]: " +
                        std::to_string(stats.stddev[c]) + " is out of range (expected > 0)");
    }
  }
}

int BatchLoaderConfig::defaultCropPadding(int height, int width) {
  const int side = std::min(height, width);
  if (side >= 32) return side / 8;
  if (side >= 16) return 2;
  if (side >= 4) return 1;
  return 0;
}

BatchLoader::BatchLoader(const ImageSet& set, BatchLoaderConfig config)
    : set_(&set), config_(std::move(config)) {
  config_.validate();
  if (!config_.normalize) {
    stats_ = ChannelStats::identity(set.channels);
  } else if (config_.stats.empty()) {
    stats_ = ChannelStats::compute(set);
  } else {
    stats_ = config_.stats;
  }
  if (stats_.channels() != set.channels) {
    throw ConfigError("batch.stats: " + std::to_string(stats_.channels()) +
                      " channels given but the data set has " + std::to_string(set.channels));
  }
  padding_ = config_.crop_padding >= 0
                 ? config_.crop_padding
                 : BatchLoaderConfig::defaultCropPadding(set.height, set.width);
  lut_.resize(static_cast<std::size_t>(set.channels) * 256);
  for (int c = 0; c < set.channels; ++c) {
    for (int v = 0; v < 256; ++v) {
      lut_[c * 256 + v] = static_cast<float>((v / 255.0 - stats_.mean[c]) / stats_.stddev[c]);
    }
  }
  setEpoch(0);
}

BatchLoader BatchLoader::forTraining(const Dataset& data, BatchLoaderConfig config) {
  if (config.normalize && config.stats.empty()) config.stats = ChannelStats::compute(data.train);
  config.horizontal_flip = config.horizontal_flip && data.allows_horizontal_flip;
  return BatchLoader(data.train, std::move(config));
}

BatchLoader BatchLoader::forEvaluation(const Dataset& data, BatchLoaderConfig config) {
  if (config.normalize && config.stats.empty()) config.stats = ChannelStats::compute(data.train);
  config.shuffle = false;
  config.drop_last = false;
  config.random_crop = false;
  config.horizontal_flip = false;
  return BatchLoader(data.test, std::move(config));
}

void BatchLoader::setEpoch(std::int64_t epoch) {
  epoch_ = epoch;
  cursor_ = 0;
  const auto n = static_cast<std::int64_t>(set_->size());
  if (config_.shuffle) {
    DeterministicRng rng(
        DeterministicRng::mix(config_.seed, kOrderStream, static_cast<std::uint64_t>(epoch)));
    order_ = rng.permutation(n);
  } else {
    order_.resize(static_cast<std::size_t>(n));
    std::iota(order_.begin(), order_.end(), std::int64_t{0});
  }
}

std::int64_t BatchLoader::batchCount() const {
  const std::int64_t n = sampleCount(), bs = config_.batch_size;
  return config_.drop_last ? n / bs : (n + bs - 1) / bs;
}

Batch BatchLoader::batch(std::int64_t b) const {
  if (b < 0 || b >= batchCount()) {
    throw ConfigError("batch index " + std::to_string(b) + " is out of range (expected 0.." +
                      std::to_string(batchCount() - 1) + ")");
  }
  const ImageSet& set = *set_;
  const int C = set.channels, H = set.height, W = set.width;
  const std::size_t plane = static_cast<std::size_t>(H) * W;
  const std::int64_t begin = b * config_.batch_size;
  const std::int64_t end = std::min(begin + config_.batch_size, sampleCount());

  Batch out;
  out.index = b;
  out.channels = C;
  out.height = H;
  out.width = W;
  out.data.resize(static_cast<std::size_t>(end - begin) * C * plane);
  out.labels.reserve(end - begin);
  out.sample_indices.reserve(end - begin);

  const bool crop = config_.random_crop && padding_ > 0;
  for (std::int64_t k = begin; k < end; ++k) {
    const std::int64_t idx = order_[static_cast<std::size_t>(k)];
    out.sample_indices.push_back(idx);
    out.labels.push_back(set.labels[static_cast<std::size_t>(idx)]);
    const std::uint8_t* src = set.image(static_cast<std::size_t>(idx));
    float* dst = out.data.data() + static_cast<std::size_t>(k - begin) * C * plane;

    int dy = 0, dx = 0;
    bool flip = false;
    if (crop || config_.horizontal_flip) {
      DeterministicRng rng(DeterministicRng::mix(config_.seed ^ kAugmentStream,
                                                 static_cast<std::uint64_t>(epoch_),
                                                 static_cast<std::uint64_t>(idx)));
      if (crop) {
        dy = static_cast<int>(rng.between(-padding_, padding_));
        dx = static_cast<int>(rng.between(-padding_, padding_));
      }
      if (config_.horizontal_flip) flip = (rng.next() >> 63) != 0;
    }

    for (int c = 0; c < C; ++c) {
      const float* lut = lut_.data() + c * 256;
      const std::uint8_t* sp = src + c * plane;
      float* dp = dst + c * plane;
      if (dy == 0 && dx == 0 && !flip) {
        for (std::size_t i = 0; i < plane; ++i) dp[i] = lut[sp[i]];
        continue;
      }
      // Output (y, x) shows input (y + dy, x' + dx), x' = mirrored x when flipping; outside the
      // input is the zero padding.
      for (int y = 0; y < H; ++y) {
        const int sy = y + dy;
        for (int x = 0; x < W; ++x) {
          const int sx = (flip ? W - 1 - x : x) + dx;
          const bool inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
          dp[y * W + x] = lut[inside ? sp[sy * W + sx] : 0];
        }
      }
    }
  }
  return out;
}

bool BatchLoader::next(Batch& out) {
  if (cursor_ >= batchCount()) return false;
  out = batch(cursor_++);
  return true;
}

}  // namespace cimscope
