#pragma once

#include <string>

namespace cimscope {

// The project version from CMake's project() call, e.g. "0.1.0".
const char* versionString();
// The short git revision the build came from, or "" outside a checkout.
const char* gitRevision();
// "cimscope 0.1.0 (git abc1234567)" or "cimscope 0.1.0".
std::string versionLine();

}  // namespace cimscope
