#include "ui/engine_worker.h"

#include <exception>

#include "engine/data/dataset.h"
#include "engine/data/dataset_catalog.h"

namespace cimscope {

namespace {

QImage toImage(const ImageSet& set, std::size_t index) {
  const std::uint8_t* px = set.image(index);
  const int h = set.height, w = set.width;
  if (set.channels == 1) {
    QImage img(w, h, QImage::Format_Grayscale8);
    for (int y = 0; y < h; ++y) {
      std::copy(px + y * w, px + (y + 1) * w, img.scanLine(y));
    }
    return img;
  }
  // Channel-planar (CHW) colour: take the first three planes as R, G, B.
  QImage img(w, h, QImage::Format_RGB888);
  const std::size_t plane = static_cast<std::size_t>(h) * w;
  for (int y = 0; y < h; ++y) {
    uchar* line = img.scanLine(y);
    for (int x = 0; x < w; ++x) {
      const std::size_t o = static_cast<std::size_t>(y) * w + x;
      for (int c = 0; c < 3; ++c) {
        line[3 * x + c] = px[(c < set.channels ? c : 0) * plane + o];
      }
    }
  }
  return img;
}

}  // namespace

EngineWorker::EngineWorker(QObject* parent) : QObject(parent) {}
EngineWorker::~EngineWorker() = default;

void EngineWorker::listDatasets() {
  try {
    Q_EMIT datasetsListed(cimscope::listDatasets(DataLocations::fromEnvironment()));
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Listing data sets"), QString::fromStdString(e.what()));
  }
}

void EngineWorker::loadSamples(const SampleRequest& request) {
  cancel_.store(false);
  try {
    const std::string name = request.dataset.toStdString();
    if (!cached_ || cached_->name != name) {
      Q_EMIT status(tr("Loading %1 ...").arg(request.dataset));
      DatasetConfig config;
      config.name = name;
      config.validate();
      cached_ = std::make_unique<Dataset>(loadDataset(config));
    }
    const ImageSet& set = request.test_split ? cached_->test : cached_->train;
    SampleGrid grid;
    grid.dataset = request.dataset;
    grid.test_split = request.test_split;
    grid.class_filter = request.class_filter;
    grid.split_size = static_cast<qint64>(set.size());
    grid.source = QString::fromStdString(cached_->source);
    for (const auto& n : cached_->class_names) grid.class_names << QString::fromStdString(n);

    // Without a filter, the grid shows an equal number of the first samples of every class,
    // in class order, so each class is visible at a glance.
    const int classes = std::max(1, cached_->classes());
    const int per_class =
        request.class_filter < 0 ? std::max(1, request.max_samples / classes) : request.max_samples;
    std::vector<int> taken(static_cast<std::size_t>(classes), 0);
    std::vector<std::vector<std::size_t>> picks(static_cast<std::size_t>(classes));
    for (std::size_t i = 0; i < set.size(); ++i) {
      if (cancel_.load()) return;
      const int label = set.labels[i];
      if (label < 0 || label >= classes) continue;
      if (request.class_filter >= 0 && label != request.class_filter) continue;
      if (taken[label] >= per_class) continue;
      ++taken[label];
      picks[label].push_back(i);
    }
    for (const auto& list : picks) {
      for (std::size_t i : list) {
        grid.images.push_back(toImage(set, i));
        grid.labels.push_back(set.labels[i]);
      }
    }
    Q_EMIT samplesLoaded(grid);
  } catch (const std::exception& e) {
    Q_EMIT failed(tr("Loading %1").arg(request.dataset), QString::fromStdString(e.what()));
  }
}

}  // namespace cimscope
