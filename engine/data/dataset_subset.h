#pragma once

#include <cstdint>

#include "engine/data/dataset.h"

namespace cimscope {

// The first `n` samples of a seeded Fisher-Yates permutation of `set` (DeterministicRng seeded
// with mix(seed, stream)), kept in their stored order. n = 0 or n >= size gives the whole set.
// The same (seed, stream) always picks the same samples, and a smaller n picks a subset of what a
// larger n picks.
ImageSet seededSubset(const ImageSet& set, std::int64_t n, std::uint64_t seed,
                      std::uint64_t stream);

}  // namespace cimscope
