#pragma once

#include <vector>

#include "engine/data/dataset.h"

namespace cimscope {

// Per-channel mean and standard deviation of pixel values on the 0..1 scale (pixel / 255), the
// numbers BatchLoader normalizes with: x = (pixel / 255 - mean[c]) / stddev[c].
struct ChannelStats {
  std::vector<double> mean;    // one per channel, 0..1
  std::vector<double> stddev;  // one per channel, > 0

  bool empty() const { return mean.empty(); }
  int channels() const { return static_cast<int>(mean.size()); }

  // Exact population statistics over every pixel of `set` (integer sums, so the result does not
  // depend on summation order). A constant channel gets stddev 1 so normalizing stays finite.
  static ChannelStats compute(const ImageSet& set);
  // mean 0, stddev 1: plain pixel / 255.
  static ChannelStats identity(int channels);
};

}  // namespace cimscope
