#include "engine/store/spec_json.h"

#include <nlohmann/json.hpp>

#include "engine/common/errors.h"

namespace cimscope {

nlohmann::json networkSpecToJson(const NetworkSpec& spec) {
  return {{"model", spec.model},
          {"input", {spec.in_channels, spec.in_height, spec.in_width}},
          {"classes", spec.classes},
          {"widths", spec.widths}};
}

NetworkSpec networkSpecFromJson(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) throw ConfigError(where + ": network spec must be a JSON object");
  NetworkSpec s;
  for (const auto& [key, value] : j.items()) {
    try {
      if (key == "model") {
        s.model = value.get<std::string>();
      } else if (key == "input") {
        const auto v = value.get<std::vector<int>>();
        if (v.size() != 3) throw ConfigError(where + ": network.input must be [C, H, W]");
        s.in_channels = v[0];
        s.in_height = v[1];
        s.in_width = v[2];
      } else if (key == "classes") {
        s.classes = value.get<int>();
      } else if (key == "widths") {
        s.widths = value.get<std::vector<int>>();
      } else {
        throw ConfigError(where + ": network has unknown key '" + key +
                          "' (expected model, input, classes, widths)");
      }
    } catch (const nlohmann::json::exception&) {
      throw ConfigError(where + ": network." + key + " has the wrong type");
    }
  }
  s.validate();
  return s;
}

NetworkSpec networkSpecFromCheckpointText(const std::string& text, const std::string& path) {
  try {
    return networkSpecFromJson(nlohmann::json::parse(text), path);
  } catch (const nlohmann::json::exception& e) {
    throw StoreError(path + ": network_spec attribute is not valid JSON: " + e.what());
  } catch (const ConfigError& e) {
    throw StoreError(path + ": network_spec is not valid: " + e.what());
  }
}

}  // namespace cimscope
