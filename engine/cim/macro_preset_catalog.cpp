#include "engine/cim/macro_preset_catalog.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "engine/cim/macro_spec_json.h"
#include "engine/common/errors.h"

namespace cimscope {
namespace fs = std::filesystem;

namespace {

bool isDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// The source tree is found from this file's own path (CMake compiles with absolute source paths),
// so a build folder needs no install step and no compile definition.
fs::path sourceTreeMacros() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "resources" / "macros";
}

bool endsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::vector<std::string> macroPresetDirs() {
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("CIMSCOPE_RESOURCES_DIR"); env && *env) {
    candidates.push_back(fs::path(env) / "macros");
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path() / ".." / "share" / "cimscope" / "macros");
  candidates.push_back(sourceTreeMacros());

  std::vector<std::string> out;
  for (const auto& c : candidates) {
    if (!isDir(c)) continue;
    const std::string p = fs::weakly_canonical(c, ec).string();
    const std::string s = ec ? c.string() : p;
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return out;
}

std::vector<MacroPreset> listMacroPresets() {
  std::vector<MacroPreset> out;
  for (const auto& dir : macroPresetDirs()) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      const std::string name = f.stem().string();
      const bool seen =
          std::any_of(out.begin(), out.end(), [&](const MacroPreset& p) { return p.name == name; });
      if (seen) continue;
      MacroPreset p;
      p.name = name;
      p.path = f.string();
      try {
        p.spec = readMacroSpec(p.path);
        p.valid = true;
      } catch (const ConfigError& e) {
        p.error = e.what();
      }
      out.push_back(std::move(p));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const MacroPreset& a, const MacroPreset& b) { return a.name < b.name; });
  return out;
}

MacroSpec loadMacroPreset(const std::string& name_or_path) {
  if (name_or_path.find('/') != std::string::npos || endsWith(name_or_path, ".json")) {
    return readMacroSpec(name_or_path);
  }
  const auto dirs = macroPresetDirs();
  for (const auto& dir : dirs) {
    const fs::path f = fs::path(dir) / (name_or_path + ".json");
    std::error_code ec;
    if (fs::is_regular_file(f, ec)) return readMacroSpec(f.string());
  }
  std::string known, searched;
  for (const auto& p : listMacroPresets()) known += (known.empty() ? "" : ", ") + p.name;
  for (const auto& d : dirs) searched += (searched.empty() ? "" : ", ") + d;
  throw ConfigError(
      "unknown macro preset '" + name_or_path + "' (known: " + (known.empty() ? "none" : known) +
      "; searched: " + (searched.empty() ? "no preset folder found" : searched) + ")");
}

}  // namespace cimscope
