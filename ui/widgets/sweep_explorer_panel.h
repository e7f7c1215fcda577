#pragma once

#include <QWidget>

#include "ui/ui_types.h"

class QComboBox;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

namespace cimscope {

class SweepScatterChart;

// The Sweep explorer tab: every point of a sweep in a sortable table and a scatter with the
// Pareto front; selecting a point (row or marker) loads its macro into the macro panel.
class SweepExplorerPanel : public QWidget {
  Q_OBJECT

 public:
  explicit SweepExplorerPanel(QWidget* parent = nullptr);

  SweepScatterChart* scatter() const { return scatter_; }
  int pointCount() const { return data_.points.size(); }

 public Q_SLOTS:
  void setData(const cimscope::SweepData& data);
  // A point finished while the sweep runs: it appears at once (DESIGN.md section 3).
  void appendPoint(const cimscope::SweepPointRow& point);

 Q_SIGNALS:
  void macroSelected(const cimscope::MacroSpec& macro);

 private:
  void rebuildTable();
  void select(int point);

  SweepData data_;
  QComboBox* axis_box_;
  QStandardItemModel* model_;
  QSortFilterProxyModel* proxy_;
  QTableView* table_;
  SweepScatterChart* scatter_;
};

}  // namespace cimscope
