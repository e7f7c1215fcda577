#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace cimscope {

// Random numbers that are identical on every platform and standard library: std::mt19937_64 is
// fully specified by the C++ standard, but std::uniform_int_distribution, std::shuffle and
// std::normal_distribution are not, so their results differ between libstdc++ and libc++ (and
// between versions). Everything in engine/data that must be reproducible (splits, subsets,
// shuffling, augmentation, synthetic data) draws through this class.
class DeterministicRng {
 public:
  explicit DeterministicRng(std::uint64_t seed) : engine_(seed) {}

  // Derives an independent seed from a base seed and a stream tag (SplitMix64 finalizer), so
  // e.g. the train and test subsets of one seed do not share a sequence.
  static std::uint64_t mix(std::uint64_t seed, std::uint64_t stream);
  static std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
    return mix(mix(seed, a), b);
  }

  std::uint64_t next() { return engine_(); }
  // Uniform in 0..n-1 by rejection (no modulo bias). n must be > 0.
  std::uint64_t below(std::uint64_t n);
  // Uniform integer in lo..hi inclusive.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Standard normal (Box-Muller, one value per call).
  double normal();

  // Fisher-Yates shuffle (Durstenfeld, from the back).
  template <typename T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(below(i));
      std::swap(v[i - 1], v[j]);
    }
  }
  // 0..n-1 in a random order.
  std::vector<std::int64_t> permutation(std::int64_t n);

 private:
  std::mt19937_64 engine_;
};

}  // namespace cimscope
