#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cimscope {

// One split of an image data set held in memory as 8-bit pixels, sample-major, each sample in
// channel-height-width order. Torch-free: the trainer wraps these buffers, the UI draws them.
struct ImageSet {
  int channels = 0;                 // C
  int height = 0;                   // H, pixels
  int width = 0;                    // W, pixels
  std::vector<std::uint8_t> pixels; // size() * C * H * W values, 0..255
  std::vector<std::uint8_t> labels; // one class index per sample

  std::size_t size() const { return labels.size(); }
  std::size_t sampleBytes() const {
    return static_cast<std::size_t>(channels) * height * width;
  }
  const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * sampleBytes(); }
};

// A data set with its two splits and what it is.
struct Dataset {
  std::string name;                      // catalog name, e.g. "fashion-mnist"
  std::vector<std::string> class_names;  // index -> human name
  std::string source;                    // where it was read from (folder or file)
  bool allows_horizontal_flip = false;   // a mirrored sample is still valid (not for digits)
  ImageSet train;
  ImageSet test;

  int classes() const { return static_cast<int>(class_names.size()); }
};

}  // namespace cimscope
