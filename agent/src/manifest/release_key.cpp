#include "manifest/release_key.hpp"

#include "manifest/yaml_guard.hpp"

#include <yaml-cpp/yaml.h>

namespace tether {

std::optional<std::string> release_key_of(const std::string& manifest_text) {
  if (yaml_guard(manifest_text)) return std::nullopt;
  try {
    const YAML::Node root = YAML::Load(manifest_text);
    if (!root.IsMap() || !root["spec"].IsMap()) return std::nullopt;
    const YAML::Node spec = root["spec"];
    YAML::Emitter out;
    if (spec["release"].IsDefined()) {
      out << YAML::Flow << spec["release"];
      return "release " + std::string(out.c_str());
    }
    if (spec["container"].IsMap() && spec["container"]["image"].IsDefined()) {
      out << YAML::Flow << spec["container"]["image"];
      return "image " + std::string(out.c_str());
    }
    return std::nullopt;
  } catch (const YAML::Exception&) {
    return std::nullopt;
  }
}

}  // namespace tether
