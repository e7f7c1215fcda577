#pragma once

#include <QString>

#include "engine/adapt/adc_sweep.h"
#include "engine/adapt/importance_report.h"
#include "engine/cim/mapping_report.h"
#include "ui/ui_types.h"

namespace cimscope {

// Engine results -> the plain structs the charts draw (STYLE.md rule 10). One function per
// result kind; the charts never see engine types.

// Per-layer |gamma| sums with each layer's tiles on the current macro (`mapping` of the same
// network; nullptr: macro cost 0).
ImportanceData importanceDataFrom(const ImportanceReport& report, const MappingReport* mapping,
                                  const QString& source);

// The four curves of the Accuracy-vs-ADC-bits tab: float and W/A-quantized as levels, the
// ADC-unaware and ADC-aware accuracies per point (aware only where it was run).
// The name of the ADC-aware curve (the stored accuracy at each swept ADC resolution).
QString adcAwareCurveName();

AdcSweepData adcSweepDataFrom(const AdcSweepResult& result, const QString& source);

}  // namespace cimscope
