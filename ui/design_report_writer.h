#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

#include "engine/cim/macro_spec.h"

class QWidget;

namespace cimscope {

// What the one-page design-point report shows (File > Export > Design-point report).
struct DesignReportContent {
  QString project;                    // run file or checkpoint the numbers come from, "" none
  QString network;                    // "resnet20 on fashion-mnist, 272,474 parameters"
  MacroSpec macro;
  QStringList summary_header;         // "", "Baseline", "Stage 1 ...", "Stage 2 ..."
  QVector<QStringList> summary_rows;  // metric name, then one cell per column
  QStringList notes;                  // where the numbers come from (under the tables)
  QWidget* occupancy = nullptr;       // the heatmap view
  QWidget* importance = nullptr;      // the importance chart (or its empty state)
  QWidget* adc = nullptr;             // the accuracy-vs-ADC chart (or its empty state)
};

// Writes DesignReportContent as a one-page A4 landscape PDF for tapeout reviews: the macro spec
// and the summary table on top, the occupancy heatmap, importance and accuracy-vs-ADC charts
// below (drawn as vectors through ExportHelper::render).
class DesignReportWriter {
 public:
  // "" on success, else the reason.
  static QString write(const DesignReportContent& content, const QString& path);
  // The macro spec as the report lists it: field, value with unit.
  static QVector<QStringList> macroRows(const MacroSpec& macro);
};

}  // namespace cimscope
