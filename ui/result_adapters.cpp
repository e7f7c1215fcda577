#include "ui/result_adapters.h"

#include <QCoreApplication>

namespace cimscope {

ImportanceData importanceDataFrom(const ImportanceReport& report, const MappingReport* mapping,
                                  const QString& source) {
  ImportanceData d;
  d.source = source;
  for (const LayerImportance& l : report.layers) {
    if (!l.has_batch_norm) continue;  // the classifier has no |gamma|
    LayerImportanceRow row;
    row.layer = QString::fromStdString(l.name);
    row.importance = l.sum;
    if (mapping && l.layer >= 0 && l.layer < static_cast<int>(mapping->layers.size())) {
      row.macros = mapping->layers[l.layer].tiles;
    }
    for (double g : l.gamma) row.channels.push_back(g);
    d.layers.push_back(row);
  }
  return d;
}

QString adcAwareCurveName() { return QCoreApplication::translate("AdcSweep", "ADC-aware QAT"); }

AdcSweepData adcSweepDataFrom(const AdcSweepResult& r, const QString& source) {
  auto tr = [](const char* s) { return QCoreApplication::translate("AdcSweep", s); };
  AdcSweepData d;
  d.source = source;
  if (r.float_accuracy >= 0) d.curves.push_back({tr("Float baseline"), {{0, r.float_accuracy}}});
  if (r.quantized_accuracy > 0) {
    d.curves.push_back({tr("W/A-quantized (no ADC)"), {{0, r.quantized_accuracy}}});
  }
  AdcCurve unaware{tr("ADC-unaware (LSQ only)"), {}};
  AdcCurve aware{adcAwareCurveName(), {}};
  for (const AdcSweepPoint& p : r.points) {
    unaware.points.push_back(QPointF(p.adc_bits, p.unaware_accuracy));
    if (p.aware_accuracy >= 0) aware.points.push_back(QPointF(p.adc_bits, p.aware_accuracy));
  }
  if (!unaware.points.isEmpty()) d.curves.push_back(unaware);
  if (!aware.points.isEmpty()) d.curves.push_back(aware);
  return d;
}

}  // namespace cimscope
