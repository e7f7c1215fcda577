#include "app/cli/cli_args.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "engine/common/errors.h"

namespace cimscope::cli {

CliArgs::CliArgs(const std::vector<std::string>& args, const std::set<std::string>& value_options,
                 const std::set<std::string>& flags) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a.rfind("--", 0) != 0) {
      throw ConfigError("unexpected argument '" + a + "' (options start with --; see --help)");
    }
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (flags.count(name)) {
      if (inline_value) throw ConfigError("--" + name + " takes no value");
      flags_set_.insert(name);
    } else if (value_options.count(name)) {
      if (inline_value) {
        values_[name] = *inline_value;
      } else {
        if (i + 1 >= args.size()) throw ConfigError("--" + name + " needs a value");
        values_[name] = args[++i];
      }
    } else {
      throw ConfigError("unknown option --" + name + " (see --help)");
    }
  }
}

bool CliArgs::has(const std::string& name) const {
  return flags_set_.count(name) > 0 || values_.count(name) > 0;
}

std::optional<std::string> CliArgs::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string CliArgs::getOr(const std::string& name, const std::string& fallback) const {
  auto v = get(name);
  return v ? *v : fallback;
}

std::string CliArgs::require(const std::string& name) const {
  auto v = get(name);
  if (!v) throw ConfigError("--" + name + " is required");
  return *v;
}

long long CliArgs::getInt(const std::string& name, long long fallback, long long lo,
                          long long hi) const {
  auto v = get(name);
  if (!v) return fallback;
  errno = 0;
  char* end = nullptr;
  long long x = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno == ERANGE) {
    throw ConfigError("--" + name + ": '" + *v + "' is not an integer");
  }
  if (x < lo || x > hi) {
    throw ConfigError("--" + name + ": " + *v + " is out of range (expected " + std::to_string(lo) +
                      ".." + std::to_string(hi) + ")");
  }
  return x;
}

double CliArgs::getDouble(const std::string& name, double fallback, double lo, double hi) const {
  auto v = get(name);
  if (!v) return fallback;
  char* end = nullptr;
  double x = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || !std::isfinite(x)) {
    throw ConfigError("--" + name + ": '" + *v + "' is not a number");
  }
  if (x < lo || x > hi) {
    throw ConfigError("--" + name + ": " + *v + " is out of range (expected " + std::to_string(lo) +
                      ".." + std::to_string(hi) + ")");
  }
  return x;
}

}  // namespace cimscope::cli
