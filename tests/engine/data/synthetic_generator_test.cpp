#include "engine/data/synthetic_generator.h"

#include <gtest/gtest.h>

#include <limits>

#include "engine/data/dataset_catalog.h"

namespace cimscope {
namespace {

// Nearest class mean on raw pixels: a weak classifier, so a pass means the classes really differ.
double nearestMeanAccuracy(const Dataset& d) {
  const std::size_t bytes = d.train.sampleBytes();
  std::vector<std::vector<double>> mean(d.classes(), std::vector<double>(bytes, 0.0));
  std::vector<int> count(d.classes(), 0);
  for (std::size_t i = 0; i < d.train.size(); ++i) {
    const int c = d.train.labels[i];
    ++count[c];
    for (std::size_t k = 0; k < bytes; ++k) mean[c][k] += d.train.image(i)[k];
  }
  for (int c = 0; c < d.classes(); ++c) {
    for (auto& v : mean[c]) v /= std::max(count[c], 1);
  }
  int right = 0;
  for (std::size_t i = 0; i < d.test.size(); ++i) {
    int best = -1;
    double best_d = std::numeric_limits<double>::max();
    for (int c = 0; c < d.classes(); ++c) {
      double dist = 0;
      for (std::size_t k = 0; k < bytes; ++k) {
        const double diff = d.test.image(i)[k] - mean[c][k];
        dist += diff * diff;
      }
      if (dist < best_d) {
        best_d = dist;
        best = c;
      }
    }
    right += best == d.test.labels[i];
  }
  return static_cast<double>(right) / d.test.size();
}

TEST(SyntheticGenerator, DefaultIsLearnableAndDeterministic) {
  DatasetConfig c;
  c.name = "synthetic";
  const Dataset a = loadDataset(c);
  const Dataset b = loadDataset(c);
  EXPECT_EQ(a.train.size(), 2000u);
  EXPECT_EQ(a.test.size(), 500u);
  EXPECT_EQ(a.train.channels, 1);
  EXPECT_EQ(a.train.height, 28);
  EXPECT_EQ(a.classes(), 10);
  EXPECT_FALSE(a.allows_horizontal_flip);
  EXPECT_EQ(a.train.pixels, b.train.pixels);
  EXPECT_EQ(a.test.labels, b.test.labels);
  std::vector<int> per_class(10, 0);
  for (auto l : a.train.labels) ++per_class[l];
  for (int n : per_class) EXPECT_EQ(n, 200);
  EXPECT_GT(nearestMeanAccuracy(a), 0.9);

  c.seed = 2;
  const Dataset other = loadDataset(c);
  EXPECT_NE(other.train.pixels, a.train.pixels);
}

TEST(SyntheticGenerator, AnyShape) {
  DatasetConfig c;
  c.name = "synthetic";
  c.synthetic_channels = 3;
  c.synthetic_height = 12;
  c.synthetic_width = 20;
  c.synthetic_classes = 4;
  c.synthetic_train = 120;
  c.synthetic_test = 40;
  const Dataset d = loadDataset(c);
  EXPECT_EQ(d.train.channels, 3);
  EXPECT_EQ(d.train.height, 12);
  EXPECT_EQ(d.train.width, 20);
  EXPECT_EQ(d.train.pixels.size(), 120u * 3 * 12 * 20);
  EXPECT_EQ(d.test.size(), 40u);
  EXPECT_EQ(d.classes(), 4);
  EXPECT_EQ(d.class_names[3], "class 3");
  for (auto l : d.train.labels) EXPECT_LT(l, 4);
  EXPECT_GT(nearestMeanAccuracy(d), 0.8);
}

TEST(SyntheticGenerator, PrototypesDifferPerClass) {
  SyntheticConfig s;
  s.classes = 3;
  SyntheticGenerator g(s);
  ASSERT_EQ(g.prototypes().size(), 3u);
  EXPECT_NE(g.prototypes()[0], g.prototypes()[1]);
  for (float v : g.prototypes()[2]) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 1.0f);
  }
}

}  // namespace
}  // namespace cimscope
