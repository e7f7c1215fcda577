#include "engine/data/dataset_subset.h"

#include <algorithm>

#include "engine/data/deterministic_rng.h"

namespace cimscope {

ImageSet seededSubset(const ImageSet& set, std::int64_t n, std::uint64_t seed,
                      std::uint64_t stream) {
  const auto size = static_cast<std::int64_t>(set.size());
  if (n <= 0 || n >= size) return set;
  DeterministicRng rng(DeterministicRng::mix(seed, stream));
  std::vector<std::int64_t> order = rng.permutation(size);
  order.resize(static_cast<std::size_t>(n));
  std::sort(order.begin(), order.end());

  ImageSet out;
  out.channels = set.channels;
  out.height = set.height;
  out.width = set.width;
  const std::size_t bytes = set.sampleBytes();
  out.pixels.reserve(static_cast<std::size_t>(n) * bytes);
  out.labels.reserve(static_cast<std::size_t>(n));
  for (std::int64_t i : order) {
    const std::uint8_t* img = set.image(static_cast<std::size_t>(i));
    out.pixels.insert(out.pixels.end(), img, img + bytes);
    out.labels.push_back(set.labels[static_cast<std::size_t>(i)]);
  }
  return out;
}

}  // namespace cimscope
