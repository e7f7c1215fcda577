#pragma once

#include <stdexcept>
#include <string>

namespace cimscope {

// The engine's one error hierarchy (STYLE.md rule 7): exceptions for bad input and failed I/O
// only. Every message names the field or file and what was expected.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A configuration value is missing, of the wrong type, unknown or out of range.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A data file is missing, corrupt, truncated or inconsistent.
class DataError : public Error {
 public:
  using Error::Error;
};

// An HDF5 or JSON result file cannot be written or read back.
class StoreError : public Error {
 public:
  using Error::Error;
};

// Training produced a non-finite loss.
class TrainingDiverged : public Error {
 public:
  using Error::Error;
};

}  // namespace cimscope
