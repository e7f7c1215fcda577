#pragma once

#include <cstdint>
#include <vector>

#include "engine/data/dataset.h"

namespace cimscope {

// What SyntheticGenerator makes.
struct SyntheticConfig {
  int channels = 1;           // C
  int height = 28;            // H, pixels
  int width = 28;             // W, pixels
  int classes = 10;           // 2..256
  std::int64_t train = 2000;  // training samples
  std::int64_t test = 500;    // test samples
  std::uint64_t seed = 1;     // everything below follows from it
};

// A seeded, learnable image data set of any shape, for tests and quick runs.
//
// Every class has a fixed prototype drawn from the seed: three Gaussian blobs (random centre,
// width and per-channel colour) over a sinusoidal stripe pattern (random angle, 1.5..4 cycles per
// image, phase and per-channel weight). A sample is its class's prototype shifted by up to
// max(1, side/10) pixels in each direction, scaled by a contrast of 0.8..1.2, plus Gaussian noise
// (sigma 0.08 on the 0..1 scale), rounded to 0..255. Labels are balanced (i mod classes) and
// shuffled. The same config gives the same bytes; the test split shares the prototypes but draws
// its own samples. A nearest-class-mean classifier already gets most test samples right; a small
// CNN gets close to all.
class SyntheticGenerator {
 public:
  explicit SyntheticGenerator(const SyntheticConfig& config);

  Dataset generate() const;
  // The prototypes, C x H x W floats 0..1 each (for tests and the UI's preview).
  const std::vector<std::vector<float>>& prototypes() const { return prototypes_; }

 private:
  ImageSet makeSplit(std::int64_t count, std::uint64_t stream) const;

  SyntheticConfig config_;
  std::vector<std::vector<float>> prototypes_;
};

}  // namespace cimscope
