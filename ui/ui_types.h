#pragma once

#include <QImage>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>
#include <vector>

#include "engine/data/dataset_catalog.h"

namespace cimscope {

// What the dataset browser asks the worker for.
struct SampleRequest {
  QString dataset;      // catalog name
  bool test_split = false;
  int class_filter = -1;  // -1: every class; otherwise only this class index
  int max_samples = 120;  // images in the grid
};

// What comes back: plain values, no engine objects (STYLE.md rule 10).
struct SampleGrid {
  QString dataset;
  bool test_split = false;
  int class_filter = -1;
  qint64 split_size = 0;   // samples in the whole split
  QStringList class_names;
  QVector<QImage> images;  // grayscale or RGB, native resolution
  QVector<int> labels;     // class index per image
  QString source;          // folder the data came from
};

// Registers every type that crosses threads in a queued signal. Call once before connecting.
void registerUiMetaTypes();

// Registers the icons in resources/cimscope.qrc: a resource compiled into a static library is
// only linked in when someone calls its initializer.
void initUiResources();

}  // namespace cimscope

Q_DECLARE_METATYPE(cimscope::SampleRequest)
Q_DECLARE_METATYPE(cimscope::SampleGrid)
Q_DECLARE_METATYPE(std::vector<cimscope::DatasetInfo>)
