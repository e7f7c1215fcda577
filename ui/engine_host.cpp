#include "ui/engine_host.h"

#include "ui/engine_worker.h"
#include "ui/ui_types.h"

namespace cimscope {

EngineHost::EngineHost(const QString& thread_name, QObject* parent)
    : QObject(parent), worker_(new EngineWorker) {
  registerUiMetaTypes();
  thread_.setObjectName(thread_name);
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  thread_.start();
}

EngineHost::~EngineHost() {
  worker_->requestCancel();
  thread_.quit();
  thread_.wait();
}

}  // namespace cimscope
