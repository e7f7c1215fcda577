#include "ui/ui_types.h"

#include <QCoreApplication>

// Q_INIT_RESOURCE must be used outside any namespace.
static void initCimscopeQrc() { Q_INIT_RESOURCE(cimscope); }

namespace cimscope {

QString jobKindTitle(JobKind kind) {
  switch (kind) {
    case JobKind::kTrainBaseline: return QCoreApplication::translate("Jobs", "Train baseline");
    case JobKind::kStage1: return QCoreApplication::translate("Jobs", "Stage 1");
    case JobKind::kStage2: return QCoreApplication::translate("Jobs", "Stage 2");
    case JobKind::kAdcSweep: return QCoreApplication::translate("Jobs", "ADC sweep");
    case JobKind::kFullPipeline: return QCoreApplication::translate("Jobs", "Full pipeline");
    case JobKind::kSweep: return QCoreApplication::translate("Jobs", "Sweep");
  }
  return {};
}

void initUiResources() {
  static const bool done = [] {
    initCimscopeQrc();
    return true;
  }();
  (void)done;
}

void registerUiMetaTypes() {
  static const bool done = [] {
    qRegisterMetaType<SampleRequest>();
    qRegisterMetaType<SampleGrid>();
    qRegisterMetaType<std::vector<DatasetInfo>>();
    qRegisterMetaType<BaselineTrainRequest>();
    qRegisterMetaType<Stage1Request>();
    qRegisterMetaType<AdcSweepRequest>();
    qRegisterMetaType<JobProgress>();
    qRegisterMetaType<JobOutcome>();
    qRegisterMetaType<CheckpointSummary>();
    qRegisterMetaType<ImportanceData>();
    qRegisterMetaType<AdcSweepData>();
    qRegisterMetaType<SweepData>();
    qRegisterMetaType<MacroSpec>();
    qRegisterMetaType<NetworkSpec>();
    qRegisterMetaType<std::vector<MacroPreset>>();
    qRegisterMetaType<SweepPointRow>();
    qRegisterMetaType<PipelineRequest>();
    qRegisterMetaType<Stage2Request>();
    qRegisterMetaType<SweepRequest>();
    qRegisterMetaType<RunStageData>();
    qRegisterMetaType<RunOpened>();
    qRegisterMetaType<QuickEvalRequest>();
    qRegisterMetaType<QuickEvalOutcome>();
    qRegisterMetaType<Stage2Result>();
    return true;
  }();
  (void)done;
}

}  // namespace cimscope
