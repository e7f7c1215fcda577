#pragma once

#include <string>

namespace cimscope {

// What the numeric backend is, for --version and the About box. Torch-free header.
struct RuntimeInfo {
  std::string torch_version;   // LibTorch version, e.g. "1.13.1"
  int intra_op_threads = 0;    // threads torch uses inside one operator
  std::string parallel_info;   // torch's own report (OpenMP/MKL/BLAS backends)
};

RuntimeInfo runtimeInfo();

// Sets torch's intra-op thread count (n <= 0: all cores) and flushes denormal floats to zero on
// every compute thread. Throws ConfigError for n > 1024.
void setComputeThreads(int n);

}  // namespace cimscope
