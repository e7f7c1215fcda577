#pragma once

#include <QWidget>
#include <vector>

#include "ui/ui_types.h"

class QComboBox;
class QLabel;
class QListWidget;

namespace cimscope {

// Browse the data sets the engine finds: pick one, see a grid of its sample images labelled
// with their class names. It never reads files itself; it asks through sampleRequested().
class DatasetBrowserPanel : public QWidget {
  Q_OBJECT

 public:
  explicit DatasetBrowserPanel(QWidget* parent = nullptr);

  // Selects the named data set (if listed) and requests its samples.
  void selectDataset(const QString& name);
  QString currentDataset() const;

 public Q_SLOTS:
  void setDatasets(const std::vector<cimscope::DatasetInfo>& datasets);
  void showSamples(const cimscope::SampleGrid& grid);
  void showError(const QString& message);

 Q_SIGNALS:
  void sampleRequested(const cimscope::SampleRequest& request);

 private:
  void onDatasetChanged();
  void requestSamples();

  QListWidget* dataset_list_;
  QComboBox* split_box_;
  QComboBox* class_box_;
  QLabel* info_label_;
  QListWidget* grid_;
  std::vector<DatasetInfo> datasets_;
  bool updating_ = false;
};

}  // namespace cimscope
