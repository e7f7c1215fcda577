#include "ui/explorer_model.h"

#include <QElapsedTimer>
#include <exception>

#include "engine/cim/network_mapper.h"
#include "engine/nn/spec/network_templates.h"

namespace cimscope {

ExplorerModel::ExplorerModel(QObject* parent) : QObject(parent) { remap(); }

void ExplorerModel::setMacro(const MacroSpec& macro) {
  macro_ = macro;
  remap();
}

void ExplorerModel::setNetwork(const NetworkSpec& network) {
  network_ = network;
  remap();
}

void ExplorerModel::setBaselineCheckpoint(const CheckpointSummary& summary) {
  checkpoint_ = summary;
  Q_EMIT resultsChanged();
}

void ExplorerModel::clearBaselineCheckpoint() {
  checkpoint_.reset();
  Q_EMIT resultsChanged();
}

void ExplorerModel::setStage1Result(const NetworkSpec& network, double accuracy) {
  stage1_network_ = network;
  stage1_accuracy_ = accuracy;
  remap();
  Q_EMIT resultsChanged();
}

void ExplorerModel::setStage2Result(const Stage2Result& result) {
  stage2_ = result;
  remap();
  Q_EMIT resultsChanged();
}

void ExplorerModel::clearStageResults() {
  stage1_network_.reset();
  stage1_accuracy_.reset();
  stage2_.reset();
  remap();
  Q_EMIT resultsChanged();
}

void ExplorerModel::remap() {
  // Bad input (a macro that cannot hold a kernel, a width out of range) is shown, not thrown:
  // the views keep their last picture and say why.
  QElapsedTimer timer;
  timer.start();
  try {
    shape_ = buildNetworkShape(network_);
    baseline_ = mapNetwork(shape_, macro_);
    error_.clear();
  } catch (const std::exception& e) {
    error_ = QString::fromStdString(e.what());
  }
  map_us_ = timer.nsecsElapsed() / 1000.0;
  stage1_error_.clear();
  if (stage1_network_) {
    try {
      stage1_shape_ = buildNetworkShape(*stage1_network_);
      stage1_ = mapNetwork(stage1_shape_, macro_);
    } catch (const std::exception& e) {
      stage1_error_ = QString::fromStdString(e.what());
    }
  }
  // Stage 2 runs Stage 1's network (or the baseline's); with its first and last layers kept in
  // float only the layers between them are on the macro.
  has_stage2_mapping_ = false;
  if (stage2_ && stage2_->first_last_in_float && error_.isEmpty()) {
    const bool s1 = stage1_network_ && stage1_error_.isEmpty();
    try {
      stage2_mapping_ = mapNetwork(layersOnMacro(s1 ? stage1_shape_ : shape_, true), macro_);
      has_stage2_mapping_ = true;
    } catch (const std::exception&) {
      // Shown with Stage 1's mapping then.
    }
  }
  Q_EMIT mappingChanged();
}

}  // namespace cimscope
