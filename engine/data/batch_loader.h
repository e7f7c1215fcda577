#pragma once

#include <cstdint>
#include <vector>

#include "engine/data/channel_stats.h"
#include "engine/data/dataset.h"

namespace cimscope {

// How BatchLoader cuts an ImageSet into batches.
//
// Rules (docs/datasets.md, "Batching and augmentation"):
//  - Order: with `shuffle`, every epoch has its own order, a Fisher-Yates permutation seeded by
//    (seed, epoch); the same seed and epoch always give the same batches, on every platform.
//    Without it, samples come in stored order.
//  - Values: float32, x = (pixel / 255 - mean[c]) / stddev[c] with `stats` (empty: computed from
//    the set the loader reads; pass the training split's stats to a test-split loader, which
//    BatchLoader::forEvaluation does). normalize = false gives x = pixel / 255.
//  - Augmentation (training only), per sample, drawn from (seed, epoch, sample index) so it does
//    not depend on the batch size:
//      random_crop: the image is padded by `crop_padding` black pixels (value 0 before
//        normalization) on every side and cropped back to H x W at a uniformly random offset,
//        i.e. shifted by -p..p pixels in each direction.
//      horizontal_flip: mirrors left-right with probability 1/2. Only where it makes sense:
//        Dataset::allows_horizontal_flip says so (fashion-mnist, cifar10 yes; mnist digits and
//        synthetic no) and BatchLoader::forTraining turns the flag off where it is not allowed.
struct BatchLoaderConfig {
  std::int64_t batch_size = 128;  // samples per batch, >= 1
  bool shuffle = true;            // new seeded order every epoch
  bool drop_last = false;         // drop the last batch when it is short
  std::uint64_t seed = 1;         // order and augmentation
  bool normalize = true;          // per-channel mean/std; false: pixel / 255
  ChannelStats stats;             // 0..1 scale; empty: computed from the loader's set
  bool random_crop = false;       // zero-pad then crop back at a random offset
  int crop_padding = -1;          // pixels per side; -1: defaultCropPadding(H, W)
  bool horizontal_flip = false;   // mirror half of the samples (see above)

  void validate() const;  // ConfigError naming the field ("batch.batch_size", ...)

  // 4 for 32 x 32 and larger (side / 8), 2 for 16..31 (e.g. 28 x 28), 1 for 4..15, 0 below.
  static int defaultCropPadding(int height, int width);
};

// One batch, NCHW float32 plus int64 labels: what torch::from_blob wants, without torch.
struct Batch {
  std::int64_t index = 0;  // batch number in the epoch
  int channels = 0, height = 0, width = 0;
  std::vector<float> data;                   // size() * C * H * W
  std::vector<std::int64_t> labels;          // class index per sample
  std::vector<std::int64_t> sample_indices;  // where each sample sits in the ImageSet

  std::int64_t size() const { return static_cast<std::int64_t>(labels.size()); }
};

// Seeded, torch-free batching over an ImageSet. Keeps a pointer to the set: the set must outlive
// the loader. batch(b) is const and deterministic, so batches of one epoch may be built on
// several threads at once.
class BatchLoader {
 public:
  BatchLoader(const ImageSet& set, BatchLoaderConfig config);

  // Training split of `data`: stats from the training split (unless given), flip only where the
  // data set allows it.
  static BatchLoader forTraining(const Dataset& data, BatchLoaderConfig config);
  // Test split of `data`: training split's stats (unless given), stored order, no augmentation.
  static BatchLoader forEvaluation(const Dataset& data, BatchLoaderConfig config);

  // Selects the epoch (its order and augmentation) and rewinds next().
  void setEpoch(std::int64_t epoch);
  std::int64_t epoch() const { return epoch_; }

  std::int64_t sampleCount() const { return static_cast<std::int64_t>(set_->size()); }
  std::int64_t batchCount() const;
  Batch batch(std::int64_t b) const;  // 0 <= b < batchCount()

  // Iterates the current epoch: false when it is done.
  bool next(Batch& out);
  void rewind() { cursor_ = 0; }

  const std::vector<std::int64_t>& order() const { return order_; }  // this epoch's order
  const ChannelStats& stats() const { return stats_; }
  const BatchLoaderConfig& config() const { return config_; }
  int cropPadding() const { return padding_; }

 private:
  const ImageSet* set_;
  BatchLoaderConfig config_;
  ChannelStats stats_;
  int padding_ = 0;
  std::vector<float> lut_;  // [c * 256 + pixel] -> normalized value
  std::int64_t epoch_ = 0;
  std::int64_t cursor_ = 0;
  std::vector<std::int64_t> order_;
};

}  // namespace cimscope
