#include "engine/data/batch_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "engine/common/errors.h"
#include "tests/engine/data/data_fixtures.h"

namespace cimscope {
namespace {

// n single-channel images with pixel (i, y, x) = (i + y * W + x) % 256, label i % 10.
ImageSet gradientSet(int n, int h, int w, int channels = 1) {
  ImageSet s;
  s.channels = channels;
  s.height = h;
  s.width = w;
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < channels * h * w; ++k)
      s.pixels.push_back(static_cast<std::uint8_t>((i + k) % 256));
    s.labels.push_back(static_cast<std::uint8_t>(i % 10));
  }
  return s;
}

BatchLoaderConfig plain(std::int64_t batch_size) {
  BatchLoaderConfig c;
  c.batch_size = batch_size;
  c.normalize = false;
  return c;
}

std::vector<std::int64_t> epochOrder(BatchLoader& loader, std::int64_t epoch) {
  loader.setEpoch(epoch);
  std::vector<std::int64_t> seen;
  Batch b;
  while (loader.next(b)) seen.insert(seen.end(), b.sample_indices.begin(), b.sample_indices.end());
  return seen;
}

TEST(BatchLoader, SeededShufflePerEpoch) {
  const ImageSet set = gradientSet(50, 2, 2);
  BatchLoader a(set, plain(8)), b(set, plain(8));
  EXPECT_EQ(a.batchCount(), 7);  // 6 full + 1 of 2
  const auto e0 = epochOrder(a, 0), e1 = epochOrder(a, 1);
  EXPECT_EQ(e0, epochOrder(b, 0));
  EXPECT_EQ(e1, epochOrder(b, 1));
  EXPECT_NE(e0, e1);
  EXPECT_EQ(e0, epochOrder(a, 0));  // going back to an epoch gives it again
  std::vector<std::int64_t> sorted = e0;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 50; ++i) EXPECT_EQ(sorted[i], i);  // every sample once

  BatchLoaderConfig other = plain(8);
  other.seed = 99;
  BatchLoader c(set, other);
  EXPECT_NE(epochOrder(c, 0), e0);

  BatchLoaderConfig stored = plain(8);
  stored.shuffle = false;
  stored.drop_last = true;
  BatchLoader d(set, stored);
  EXPECT_EQ(d.batchCount(), 6);
  const auto in_order = epochOrder(d, 3);
  ASSERT_EQ(in_order.size(), 48u);
  for (int i = 0; i < 48; ++i) EXPECT_EQ(in_order[i], i);
}

TEST(BatchLoader, BatchContentsAndLabels) {
  const ImageSet set = gradientSet(5, 2, 3);
  BatchLoaderConfig c = plain(2);
  c.shuffle = false;
  BatchLoader loader(set, c);
  const Batch last = loader.batch(2);
  EXPECT_EQ(last.size(), 1);
  EXPECT_EQ(last.channels, 1);
  EXPECT_EQ(last.height, 2);
  EXPECT_EQ(last.width, 3);
  EXPECT_EQ(last.labels, (std::vector<std::int64_t>{4}));
  ASSERT_EQ(last.data.size(), 6u);
  for (int k = 0; k < 6; ++k) EXPECT_FLOAT_EQ(last.data[k], (4 + k) / 255.0f);
  EXPECT_THROW(loader.batch(3), ConfigError);
}

TEST(BatchLoader, NormalizationMatchesHandComputedStats) {
  // Channel 0 values 0, 255, 51, 102 -> 0, 1, 0.2, 0.4 on the 0..1 scale:
  // mean 0.4, E[x^2] = 1.2 / 4 = 0.3, variance 0.3 - 0.16 = 0.14.
  // Channel 1 all 255: constant, stddev falls back to 1.
  ImageSet s;
  s.channels = 2;
  s.height = 1;
  s.width = 2;
  s.pixels = {0, 255, 255, 255, 51, 102, 255, 255};
  s.labels = {0, 1};
  const ChannelStats stats = ChannelStats::compute(s);
  EXPECT_NEAR(stats.mean[0], 0.4, 1e-12);
  EXPECT_NEAR(stats.stddev[0], std::sqrt(0.14), 1e-12);
  EXPECT_NEAR(stats.mean[1], 1.0, 1e-12);
  EXPECT_EQ(stats.stddev[1], 1.0);

  BatchLoaderConfig c;
  c.batch_size = 2;
  c.shuffle = false;
  BatchLoader loader(s, c);
  const Batch b = loader.batch(0);
  const double sd = std::sqrt(0.14);
  const std::vector<double> want = {(0 - 0.4) / sd,   (1 - 0.4) / sd,   0, 0,
                                    (0.2 - 0.4) / sd, (0.4 - 0.4) / sd, 0, 0};
  for (std::size_t k = 0; k < want.size(); ++k) EXPECT_NEAR(b.data[k], want[k], 1e-6) << k;

  // Given statistics win: (1 - 0.5) / 0.25 = 2.
  c.stats.mean = {0.5, 0.5};
  c.stats.stddev = {0.25, 0.25};
  BatchLoader given(s, c);
  EXPECT_NEAR(given.batch(0).data[1], 2.0, 1e-6);
  EXPECT_NEAR(given.batch(0).data[0], -2.0, 1e-6);
}

TEST(BatchLoader, RandomCropShiftsWithinPaddingAndPadsWithZero) {
  // One bright pixel in the middle of a black 28 x 28 image; the crop moves it by -2..2.
  ImageSet s;
  s.channels = 1;
  s.height = s.width = 28;
  const int n = 300;
  s.pixels.assign(static_cast<std::size_t>(n) * 28 * 28, 0);
  for (int i = 0; i < n; ++i) s.pixels[i * 784 + 14 * 28 + 14] = 200;
  s.labels.assign(n, 0);
  BatchLoaderConfig c = plain(64);
  c.random_crop = true;
  BatchLoader loader(s, c);
  EXPECT_EQ(loader.cropPadding(), 2);
  std::set<std::pair<int, int>> shifts;
  Batch b;
  while (loader.next(b)) {
    for (std::int64_t j = 0; j < b.size(); ++j) {
      const float* img = b.data.data() + j * 784;
      int found = -1, bright = 0;
      for (int k = 0; k < 784; ++k) {
        if (img[k] != 0.0f) {
          found = k;
          ++bright;
          EXPECT_FLOAT_EQ(img[k], 200 / 255.0f);
        }
      }
      ASSERT_EQ(bright, 1);
      const int dy = found / 28 - 14, dx = found % 28 - 14;
      EXPECT_LE(std::abs(dy), 2);
      EXPECT_LE(std::abs(dx), 2);
      shifts.insert({dy, dx});
    }
  }
  EXPECT_EQ(shifts.size(), 25u);  // every offset turns up in 300 draws

  // The padding is black before normalization: a white image shows (0 - mean) / sd at its border.
  ImageSet white;
  white.channels = 1;
  white.height = white.width = 8;
  white.pixels.assign(64 * 20, 255);
  white.labels.assign(20, 0);
  BatchLoaderConfig wc;
  wc.batch_size = 20;
  wc.random_crop = true;
  wc.crop_padding = 3;
  wc.stats.mean = {0.5};
  wc.stats.stddev = {0.5};
  BatchLoader wl(white, wc);
  int padded = 0;
  for (float v : wl.batch(0).data) {
    EXPECT_TRUE(std::fabs(v - 1.0f) < 1e-6 || std::fabs(v + 1.0f) < 1e-6) << v;
    padded += v < 0;
  }
  EXPECT_GT(padded, 0);
}

TEST(BatchLoader, HorizontalFlipMirrorsAboutHalf) {
  const ImageSet s = gradientSet(200, 3, 5);
  BatchLoaderConfig c = plain(200);
  c.horizontal_flip = true;
  BatchLoader loader(s, c);
  const Batch b = loader.batch(0);
  int flipped = 0;
  for (std::int64_t j = 0; j < b.size(); ++j) {
    const std::uint8_t* src = s.image(b.sample_indices[j]);
    const float* out = b.data.data() + j * 15;
    bool same = true, mirrored = true;
    for (int y = 0; y < 3; ++y) {
      for (int x = 0; x < 5; ++x) {
        same &= out[y * 5 + x] == src[y * 5 + x] / 255.0f;
        mirrored &= out[y * 5 + x] == src[y * 5 + (4 - x)] / 255.0f;
      }
    }
    ASSERT_TRUE(same || mirrored) << j;
    flipped += mirrored;
  }
  EXPECT_GT(flipped, 60);
  EXPECT_LT(flipped, 140);
}

TEST(BatchLoader, FlipOnlyWhereTheDataSetAllowsIt) {
  Dataset digits;
  digits.train = gradientSet(100, 3, 5);
  digits.test = gradientSet(10, 3, 5);
  digits.allows_horizontal_flip = false;
  BatchLoaderConfig c;
  c.horizontal_flip = true;
  EXPECT_FALSE(BatchLoader::forTraining(digits, c).config().horizontal_flip);
  digits.allows_horizontal_flip = true;
  EXPECT_TRUE(BatchLoader::forTraining(digits, c).config().horizontal_flip);

  // Evaluation: no augmentation, stored order, training statistics.
  c.random_crop = true;
  const BatchLoader eval = BatchLoader::forEvaluation(digits, c);
  EXPECT_FALSE(eval.config().horizontal_flip);
  EXPECT_FALSE(eval.config().random_crop);
  EXPECT_FALSE(eval.config().shuffle);
  EXPECT_EQ(eval.sampleCount(), 10);
  const ChannelStats train_stats = ChannelStats::compute(digits.train);
  EXPECT_DOUBLE_EQ(eval.stats().mean[0], train_stats.mean[0]);
  EXPECT_NE(eval.stats().mean[0], ChannelStats::compute(digits.test).mean[0]);
}

TEST(BatchLoader, AugmentationDoesNotDependOnBatchSize) {
  const ImageSet s = gradientSet(30, 8, 8);
  BatchLoaderConfig c = plain(4);
  c.random_crop = true;
  c.horizontal_flip = true;
  BatchLoaderConfig c7 = c;
  c7.batch_size = 7;
  BatchLoader a(s, c), b(s, c7);
  a.setEpoch(5);
  b.setEpoch(5);
  auto bySample = [](BatchLoader& l) {
    std::vector<std::vector<float>> out(30);
    Batch batch;
    while (l.next(batch)) {
      for (std::int64_t j = 0; j < batch.size(); ++j) {
        out[batch.sample_indices[j]].assign(batch.data.begin() + j * 64,
                                            batch.data.begin() + (j + 1) * 64);
      }
    }
    return out;
  };
  EXPECT_EQ(bySample(a), bySample(b));
}

TEST(BatchLoader, DefaultPaddingAndValidation) {
  EXPECT_EQ(BatchLoaderConfig::defaultCropPadding(32, 32), 4);
  EXPECT_EQ(BatchLoaderConfig::defaultCropPadding(28, 28), 2);
  EXPECT_EQ(BatchLoaderConfig::defaultCropPadding(64, 64), 8);
  EXPECT_EQ(BatchLoaderConfig::defaultCropPadding(8, 8), 1);
  BatchLoaderConfig c;
  c.batch_size = 0;
  EXPECT_THROW_WITH(c.validate(), ConfigError, "batch.batch_size", "0", ">= 1");
  c = BatchLoaderConfig{};
  c.crop_padding = 100;
  EXPECT_THROW_WITH(c.validate(), ConfigError, "batch.crop_padding", "100", "0..64");
  c = BatchLoaderConfig{};
  c.stats.mean = {0.5};
  c.stats.stddev = {0.0};
  EXPECT_THROW_WITH(c.validate(), ConfigError, "batch.stats.stddev[0]");
  c.stats.stddev = {0.5};
  const ImageSet rgb = gradientSet(4, 2, 2, 3);
  EXPECT_THROW_WITH(BatchLoader(rgb, c), ConfigError, "batch.stats", "1 channels", "has 3");
}

}  // namespace
}  // namespace cimscope
