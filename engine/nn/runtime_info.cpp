#include "engine/nn/runtime_info.h"

#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <string>
#include <thread>

#include "engine/common/errors.h"

namespace cimscope {

RuntimeInfo runtimeInfo() {
  RuntimeInfo info;
  info.torch_version = std::to_string(TORCH_VERSION_MAJOR) + "." +
                       std::to_string(TORCH_VERSION_MINOR) + "." +
                       std::to_string(TORCH_VERSION_PATCH);
  info.intra_op_threads = at::get_num_threads();
  info.parallel_info = at::get_parallel_info();
  return info;
}

void setComputeThreads(int n) {
  if (n > 1024) {
    throw ConfigError("threads: " + std::to_string(n) + " is out of range (expected 0..1024, 0 = all cores)");
  }
  const unsigned cores = std::thread::hardware_concurrency();
  at::set_num_threads(n > 0 ? n : static_cast<int>(cores > 0 ? cores : 1));
  // Denormal floats slow x86 float math by orders of magnitude (seen here: a 10x slower LeNet
  // epoch on MNIST). The flag is per thread, so set it on this thread and on every thread of
  // the OpenMP pool that torch's parallel kernels run on.
  at::globalContext().setFlushDenormal(true);
#pragma omp parallel
  { at::globalContext().setFlushDenormal(true); }
}

}  // namespace cimscope
