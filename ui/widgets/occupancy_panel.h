#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace cimscope {

class ExplorerModel;
class OccupancyView;

// The Macro occupancy tab: the heatmap of every macro (baseline, and Stage 1 beside it when a
// Stage 1 network exists), the colouring choice and its legend, the network's macro count and
// utilization, and a per-layer table. Redraws from the ExplorerModel on every mapping change.
class OccupancyPanel : public QWidget {
  Q_OBJECT

 public:
  explicit OccupancyPanel(ExplorerModel* model, QWidget* parent = nullptr);

  OccupancyView* baselineView() const { return baseline_; }
  OccupancyView* stage1View() const { return stage1_; }
  int macroCount() const;

 public Q_SLOTS:
  void refresh();

 private:
  void fillLayerTable();
  void applyColoring();

  ExplorerModel* model_;
  QComboBox* coloring_;
  QLabel* legend_;
  QLabel* utilization_label_;
  QLabel* error_label_;
  QLabel* baseline_title_;
  QLabel* stage1_title_;
  OccupancyView* baseline_;
  OccupancyView* stage1_;
  QWidget* stage1_box_;
  QTableWidget* layers_;
};

}  // namespace cimscope
