#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace cimscope::cli {

// Parsed `--name value` / `--flag` arguments of one subcommand. Every option a command reads
// must be declared; anything else is an error that names it, so a typo never passes silently.
class CliArgs {
 public:
  // `value_options` take a value (`--out FILE`), `flags` take none (`--json`).
  CliArgs(const std::vector<std::string>& args, const std::set<std::string>& value_options,
          const std::set<std::string>& flags);

  bool has(const std::string& name) const;
  std::optional<std::string> get(const std::string& name) const;
  std::string getOr(const std::string& name, const std::string& fallback) const;
  std::string require(const std::string& name) const;
  // Integer option with range check; throws ConfigError naming `--name`.
  long long getInt(const std::string& name, long long fallback, long long lo, long long hi) const;
  double getDouble(const std::string& name, double fallback, double lo, double hi) const;

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_set_;
};

}  // namespace cimscope::cli
