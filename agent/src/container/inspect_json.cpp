#include "container/inspect_json.hpp"

#include "model/image_ref.hpp"

#include <nlohmann/json.hpp>

namespace tether {
namespace {

using nlohmann::json;

std::string string_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool bool_at(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

std::string digest_of(const json& container) {
  const std::string podman_digest = string_at(container, "ImageDigest");
  if (!podman_digest.empty()) return podman_digest;
  const auto config = container.find("Config");
  if (config == container.end() || !config->is_object()) return "";
  return parse_image_ref(string_at(*config, "Image")).digest;
}

}  // namespace

Result<LiveContainer> parse_inspect(const std::string& text) {
  const json parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array() || parsed.empty() || !parsed[0].is_object()) {
    return Error{"container inspect output is not a JSON array of objects",
                 "check that the container runtime works: run its `container inspect` by hand"};
  }
  const json& container = parsed[0];
  LiveContainer live;
  live.name = string_at(container, "Name");
  live.id = string_at(container, "Id");
  if (!live.name.empty() && live.name.front() == '/') live.name.erase(0, 1);  // docker's "/name"
  live.image_digest = digest_of(container);
  live.image_id = string_at(container, "Image");
  if (!live.image_digest.empty()) live.image_digests.push_back(live.image_digest);
  if (const auto state = container.find("State"); state != container.end() && state->is_object()) {
    live.status = string_at(*state, "Status");
    // A paused container is "running" to both engines (State.Running stays true) but serves
    // nothing: State.Paused says so.
    const bool paused = bool_at(*state, "Paused");
    live.running = bool_at(*state, "Running") && !paused;
    if (paused) live.status = "paused";
  }
  const auto config = container.find("Config");
  if (config != container.end() && config->is_object()) {
    const auto labels = config->find("Labels");
    if (labels != config->end() && labels->is_object()) {
      for (const auto& [key, value] : labels->items()) {
        if (value.is_string()) live.labels[key] = value.get<std::string>();
      }
    }
  }
  return live;
}

std::vector<std::string> parse_repo_digests(const std::string& text) {
  const json parsed = json::parse(text, nullptr, false);
  std::vector<std::string> digests;
  if (!parsed.is_array()) return digests;
  for (const json& entry : parsed) {
    if (!entry.is_string()) continue;
    const std::string digest = parse_image_ref(entry.get<std::string>()).digest;
    if (!digest.empty()) digests.push_back(digest);
  }
  return digests;
}

}  // namespace tether
