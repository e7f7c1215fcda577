#include "engine/cim/macro_spec_json.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/common/errors.h"

namespace cimscope {
namespace {

using nlohmann::json;

const char* typeName(const json& v) {
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  return v.type_name();
}

// Reads one key of the object into a field, or reports it with the source.
class KeyReader {
 public:
  KeyReader(const json& j, const std::string& source) : j_(j), source_(source) {}

  void integer(const char* key, int& dst) const {
    const json* v = find(key);
    if (!v) return;
    if (!v->is_number_integer()) wrongType(key, "an integer", *v);
    const auto x = v->get<long long>();
    if (x < -2147483647LL || x > 2147483647LL) {
      throw ConfigError(prefix(key) + std::to_string(x) + " is out of range");
    }
    dst = static_cast<int>(x);
  }
  void number(const char* key, double& dst) const {
    const json* v = find(key);
    if (!v) return;
    if (!v->is_number()) wrongType(key, "a number", *v);
    dst = v->get<double>();
  }
  void text(const char* key, std::string& dst) const {
    const json* v = find(key);
    if (!v) return;
    if (!v->is_string()) wrongType(key, "a string", *v);
    dst = v->get<std::string>();
  }
  template <typename E>
  void choice(const char* key, E& dst, E (*parse)(const std::string&, const std::string&)) const {
    std::string s;
    text(key, s);
    if (!find(key)) return;
    try {
      dst = parse(s, key);
    } catch (const ConfigError& e) {
      throw ConfigError(source_ + ": " + e.what());
    }
  }

 private:
  const json* find(const char* key) const {
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  std::string prefix(const char* key) const { return source_ + ": key '" + key + "': "; }
  [[noreturn]] void wrongType(const char* key, const char* expected, const json& v) const {
    throw ConfigError(prefix(key) + "expected " + expected + ", got " + typeName(v) + " (" +
                      v.dump() + ")");
  }

  const json& j_;
  const std::string& source_;
};

const char* const kKeys[] = {"name",           "citation",         "notes",     "rows",
                             "cols",           "active_wordlines", "cell_bits", "weight_bits",
                             "input_bits",     "dac_bits",         "adc_bits",  "adcs",
                             "macros_on_chip", "bus_bits",         "row_split", "slice_combine",
                             "signed_mapping", "packing",          "clock_mhz", "e_adc_pj",
                             "e_adc_ref_bits", "e_mac_pj",         "e_write_pj"};

}  // namespace

json macroSpecToJson(const MacroSpec& s) {
  return json{{"name", s.name},
              {"citation", s.citation},
              {"notes", s.notes},
              {"rows", s.rows},
              {"cols", s.cols},
              {"active_wordlines", s.active_wordlines},
              {"cell_bits", s.cell_bits},
              {"weight_bits", s.weight_bits},
              {"input_bits", s.input_bits},
              {"dac_bits", s.dac_bits},
              {"adc_bits", s.adc_bits},
              {"adcs", s.adcs},
              {"macros_on_chip", s.macros_on_chip},
              {"bus_bits", s.bus_bits},
              {"row_split", toString(s.row_split)},
              {"slice_combine", toString(s.slice_combine)},
              {"signed_mapping", toString(s.signed_mapping)},
              {"packing", toString(s.packing)},
              {"clock_mhz", s.clock_mhz},
              {"e_adc_pj", s.e_adc_pj},
              {"e_adc_ref_bits", s.e_adc_ref_bits},
              {"e_mac_pj", s.e_mac_pj},
              {"e_write_pj", s.e_write_pj}};
}

MacroSpec macroSpecFromJson(const json& j, const std::string& source, const MacroSpec& base) {
  if (!j.is_object()) {
    throw ConfigError(source + ": expected a JSON object with macro keys, got " +
                      std::string(typeName(j)));
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKeys) known = known || it.key() == k;
    if (!known) {
      std::string list;
      for (const char* k : kKeys) list += (list.empty() ? "" : ", ") + std::string(k);
      throw ConfigError(source + ": unknown key '" + it.key() + "' (known keys: " + list + ")");
    }
  }
  MacroSpec s = base;
  const KeyReader r(j, source);
  r.text("name", s.name);
  r.text("citation", s.citation);
  r.text("notes", s.notes);
  r.integer("rows", s.rows);
  r.integer("cols", s.cols);
  r.integer("active_wordlines", s.active_wordlines);
  r.integer("cell_bits", s.cell_bits);
  r.integer("weight_bits", s.weight_bits);
  r.integer("input_bits", s.input_bits);
  r.integer("dac_bits", s.dac_bits);
  r.integer("adc_bits", s.adc_bits);
  r.integer("adcs", s.adcs);
  r.integer("macros_on_chip", s.macros_on_chip);
  r.integer("bus_bits", s.bus_bits);
  r.choice("row_split", s.row_split, &parseRowSplit);
  r.choice("slice_combine", s.slice_combine, &parseSliceCombine);
  r.choice("signed_mapping", s.signed_mapping, &parseSignedMapping);
  r.choice("packing", s.packing, &parsePacking);
  r.number("clock_mhz", s.clock_mhz);
  r.number("e_adc_pj", s.e_adc_pj);
  r.integer("e_adc_ref_bits", s.e_adc_ref_bits);
  r.number("e_mac_pj", s.e_mac_pj);
  r.number("e_write_pj", s.e_write_pj);
  try {
    s.validate();
  } catch (const ConfigError& e) {
    throw ConfigError(source + ": " + e.what());
  }
  return s;
}

MacroSpec readMacroSpec(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError("macro file " + path + ": cannot be opened");
  json j;
  try {
    in >> j;
  } catch (const json::parse_error& e) {
    throw ConfigError("macro file " + path + ": not valid JSON (" + e.what() + ")");
  }
  return macroSpecFromJson(j, "macro file " + path);
}

void writeMacroSpec(const std::string& path, const MacroSpec& spec) {
  std::ofstream out(path);
  out << macroSpecToJson(spec).dump(2) << "\n";
  if (!out) throw StoreError("cannot write macro file " + path);
}

}  // namespace cimscope
