#include "ui/ui_types.h"

// Q_INIT_RESOURCE must be used outside any namespace.
static void initCimscopeQrc() { Q_INIT_RESOURCE(cimscope); }

namespace cimscope {

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
    return true;
  }();
  (void)done;
}

}  // namespace cimscope
