#pragma once

#include <QWidget>
#include <cstdint>

class QLabel;
class QTableWidget;

namespace cimscope {

class ExplorerModel;
struct MappingReport;
struct Stage2Result;

// The Summary tab: baseline, Stage 1 and Stage 2 side by side (params, storage, compression,
// macros, utilization, weight loading, latency, energy, accuracy) at the current macro. Columns
// without a result say so instead of showing numbers.
class SummaryPanel : public QWidget {
  Q_OBJECT

 public:
  explicit SummaryPanel(ExplorerModel* model, QWidget* parent = nullptr);

  // Row names, in order (the test and the PDF report use them).
  static QStringList metricNames();
  QString cell(const QString& metric, int column) const;  // column 0 baseline, 1 Stage 1, 2 Stage 2
  QTableWidget* table() const { return table_; }
  // The lines under the table: where each column's numbers come from.
  QString noteText() const;
  // "1,234 bits (0.2 KiB)", as the Weight storage row writes it.
  static QString storageText(std::int64_t bits);

 public Q_SLOTS:
  void refresh();
  // What the open run file recorded for its stages (on the run's macro), shown under the table.
  void setRunNote(const QString& text);

 private:
  void fillColumn(int column, const MappingReport* mapping, const MappingReport& baseline,
                  std::int64_t params, std::int64_t base_params, const QString& accuracy);
  void showStage2Storage(const Stage2Result& s2, std::int64_t params, std::int64_t base_params);
  void setCell(int row, int column, const QString& text, const QString& tip = {});

  ExplorerModel* model_;
  QTableWidget* table_;
  QLabel* note_;
  QString run_note_;
};

}  // namespace cimscope
