#include "engine/data/channel_stats.h"

#include <cmath>
#include <cstdint>

namespace cimscope {

ChannelStats ChannelStats::compute(const ImageSet& set) {
  const int c_count = set.channels;
  const std::size_t plane = static_cast<std::size_t>(set.height) * set.width;
  std::vector<std::uint64_t> sum(c_count, 0), sum_sq(c_count, 0);
  for (std::size_t i = 0; i < set.size(); ++i) {
    const std::uint8_t* img = set.image(i);
    for (int c = 0; c < c_count; ++c) {
      const std::uint8_t* p = img + c * plane;
      std::uint64_t s = 0, s2 = 0;
      for (std::size_t k = 0; k < plane; ++k) {
        s += p[k];
        s2 += static_cast<std::uint64_t>(p[k]) * p[k];
      }
      sum[c] += s;
      sum_sq[c] += s2;
    }
  }
  ChannelStats stats;
  const double n = static_cast<double>(set.size() * plane);
  for (int c = 0; c < c_count; ++c) {
    if (n == 0) {
      stats.mean.push_back(0.0);
      stats.stddev.push_back(1.0);
      continue;
    }
    const double m = static_cast<double>(sum[c]) / n;               // 0..255
    const double var = static_cast<double>(sum_sq[c]) / n - m * m;  // population variance
    const double sd = std::sqrt(std::max(var, 0.0)) / 255.0;
    stats.mean.push_back(m / 255.0);
    stats.stddev.push_back(sd > 1e-12 ? sd : 1.0);
  }
  return stats;
}

ChannelStats ChannelStats::identity(int channels) {
  ChannelStats s;
  s.mean.assign(channels, 0.0);
  s.stddev.assign(channels, 1.0);
  return s;
}

}  // namespace cimscope
