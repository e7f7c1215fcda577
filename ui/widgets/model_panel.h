#pragma once

#include <QWidget>
#include <vector>

#include "engine/adapt/trainer.h"
#include "engine/data/dataset_catalog.h"
#include "engine/nn/spec/network_spec.h"
#include "ui/ui_types.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace cimscope {

// The model & data dock: network template, data set, per-group widths, the quick/full training
// preset and the checkpoint whose accuracy the summary shows. It only builds configs; files are
// read by the engine worker (checkpointChosen asks for it).
class ModelPanel : public QWidget {
  Q_OBJECT

 public:
  explicit ModelPanel(QWidget* parent = nullptr);

  NetworkSpec network() const;
  QString datasetName() const;
  QString checkpointPath() const;
  bool quickPreset() const;
  // Stage 2 keeps the first and last weight layers in float, off the macro (stage2.exclude_first_last).
  bool stage2FirstLastInFloat() const;

  // The float baseline job for the current settings, writing `out_checkpoint`.
  TrainJob baselineTrainJob(const QString& out_checkpoint) const;
  // The data for it: the chosen set, subsets of the quick preset.
  DatasetConfig datasetConfig() const;

  void setTemplate(const QString& model);
  void setQuickPreset(bool quick);
  void setDatasetName(const QString& name);
  void setStage2FirstLastInFloat(bool on);

 public Q_SLOTS:
  void setDatasets(const std::vector<cimscope::DatasetInfo>& datasets);
  // Takes template, widths (and the data set) from a checkpoint the worker read.
  void showCheckpoint(const cimscope::CheckpointSummary& summary);
  // Sets the picker's path and asks for the file to be read.
  void chooseCheckpoint(const QString& path);
  void clearCheckpoint();

 Q_SIGNALS:
  void networkChanged(const cimscope::NetworkSpec& network);
  void checkpointChosen(const QString& path);
  void checkpointCleared();

 private:
  void rebuildWidths();
  void emitNetwork();
  void browseCheckpoint();
  const DatasetInfo* currentDataset() const;

  QComboBox* template_box_;
  QComboBox* dataset_box_;
  QComboBox* preset_box_;
  QCheckBox* first_last_float_;
  QTableWidget* widths_;
  QLabel* shape_label_;
  QLineEdit* checkpoint_edit_;
  QLabel* checkpoint_info_;
  std::vector<DatasetInfo> datasets_;
  QString wanted_dataset_ = "fashion-mnist";
  bool loading_ = false;
};

}  // namespace cimscope
