#include "ui/ui_types.h"

namespace cimscope {

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
