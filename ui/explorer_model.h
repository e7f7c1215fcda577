#pragma once

#include <QObject>
#include <QString>
#include <optional>

#include "engine/cim/macro_spec.h"
#include "engine/cim/mapping_report.h"
#include "engine/nn/spec/network_shape.h"
#include "engine/nn/spec/network_spec.h"
#include "ui/ui_types.h"

namespace cimscope {

// The design point the explorer shows: the macro, the network (baseline and, once Stage 1 has
// produced one, the morphed network), their mappings and the results known for them. Mapping is
// analytic and runs here, in the UI thread, on every change (DESIGN.md section 3); everything
// that reads files or trains arrives from the engine worker through the setters.
class ExplorerModel : public QObject {
  Q_OBJECT

 public:
  explicit ExplorerModel(QObject* parent = nullptr);

  const MacroSpec& macro() const { return macro_; }
  const NetworkSpec& network() const { return network_; }
  // Valid only when mappingError() is empty.
  const NetworkShape& shape() const { return shape_; }
  const MappingReport& baselineMapping() const { return baseline_; }
  QString mappingError() const { return error_; }
  double lastMappingMicroseconds() const { return map_us_; }

  // Stage 1's network, when a Stage 1 result exists (hook: set from the Stage 1 result adapter).
  bool hasStage1() const { return stage1_network_.has_value() && stage1_error_.isEmpty(); }
  const NetworkShape& stage1Shape() const { return stage1_shape_; }
  const MappingReport& stage1Mapping() const { return stage1_; }

  const std::optional<CheckpointSummary>& baselineCheckpoint() const { return checkpoint_; }
  const std::optional<double>& stage1Accuracy() const { return stage1_accuracy_; }
  // Stage 2 keeps Stage 1's (or the baseline's) widths; it changes weight/ADC behaviour only.
  bool hasStage2() const { return stage2_.has_value(); }
  const std::optional<Stage2Result>& stage2Result() const { return stage2_; }
  // Stage 2's own mapping when it differs from Stage 1's: its first and last layers kept in
  // float (off the macro). Otherwise Stage 2 maps as Stage 1 (or the baseline).
  bool hasStage2Mapping() const { return has_stage2_mapping_; }
  const MappingReport& stage2Mapping() const { return stage2_mapping_; }

 public Q_SLOTS:
  void setMacro(const cimscope::MacroSpec& macro);
  void setNetwork(const cimscope::NetworkSpec& network);
  void setBaselineCheckpoint(const cimscope::CheckpointSummary& summary);
  void clearBaselineCheckpoint();
  // Hooks for the Stage 1 / Stage 2 results (engine/adapt/morph*, qat*): the morphed network's
  // spec and accuracy; Stage 2's accuracy and stored weight bits.
  void setStage1Result(const cimscope::NetworkSpec& network, double accuracy);
  void setStage2Result(const cimscope::Stage2Result& result);
  void clearStageResults();

 Q_SIGNALS:
  // The mapping (or the error that stopped it) changed; every view redraws from the model.
  void mappingChanged();
  // Results (checkpoint accuracy, stage results) changed.
  void resultsChanged();

 private:
  void remap();

  MacroSpec macro_;
  NetworkSpec network_;
  NetworkShape shape_;
  MappingReport baseline_;
  QString error_;
  double map_us_ = 0;
  std::optional<NetworkSpec> stage1_network_;
  NetworkShape stage1_shape_;
  MappingReport stage1_;
  QString stage1_error_;
  std::optional<CheckpointSummary> checkpoint_;
  std::optional<double> stage1_accuracy_;
  std::optional<Stage2Result> stage2_;
  bool has_stage2_mapping_ = false;
  MappingReport stage2_mapping_;
};

}  // namespace cimscope
