// Where a field is in a YAML file, and what to do about a problem there.
#include "manifest/yaml_guard.hpp"
#include "review/validate.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string_view>

namespace tether::review {
namespace {

int line_of(const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.line + 1; }

/// The longest key of `map` that `path` starts with, followed by the end, '.' or '[' (keys such
/// as "app.example.com/tier" contain dots). Sets `rest` to what follows the key.
std::optional<YAML::const_iterator> match_key(const YAML::Node& map,
                                              std::string_view path,
                                              std::string_view& rest) {
  std::optional<YAML::const_iterator> best;
  size_t best_size = 0;
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string& key = it->first.Scalar();
    if (key.empty() || path.substr(0, key.size()) != key) continue;
    if (path.size() > key.size() && path[key.size()] != '.' && path[key.size()] != '[') continue;
    if (best && key.size() <= best_size) continue;
    best = it;
    best_size = key.size();
  }
  if (best) {
    rest = path.substr(best_size);
    if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
  }
  return best;
}

/// Follows `path` from `node`; returns the line of the deepest part found.
int follow(const YAML::Node& node, std::string_view path, int line) {
  if (path.empty()) return line;
  if (path.front() == '[') {
    const size_t close = path.find(']');
    if (!node.IsSequence() || close == std::string_view::npos) return line;
    size_t index = 0;
    for (char c : path.substr(1, close - 1)) {
      if (c < '0' || c > '9') return line;
      index = index * 10 + static_cast<size_t>(c - '0');
    }
    if (index >= node.size()) return line;
    std::string_view rest = path.substr(close + 1);
    if (!rest.empty() && rest.front() == '.') rest.remove_prefix(1);
    const YAML::Node item = node[index];
    return follow(item, rest, line_of(item.Mark()));
  }
  if (!node.IsMap()) return line;
  std::string_view rest;
  const auto entry = match_key(node, path, rest);
  if (!entry) return line;
  return follow((*entry)->second, rest, line_of((*entry)->first.Mark()));
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

/// The last key of a dotted path: "spec.release.commit" -> "commit".
std::string_view last_key(std::string_view field) {
  const size_t dot = field.rfind('.');
  return dot == std::string_view::npos ? field : field.substr(dot + 1);
}

/// Hints chosen by what the message says, whatever the field.
std::string hint_by_message(std::string_view field, std::string_view message) {
  if (contains(message, "aliases expand") || contains(message, "an alias")) {
    return "write the values out instead of repeating anchors through aliases (docs/security.md "
           "lists the limits)";
  }
  if (contains(message, "levels deep")) return "flatten the document: manifests need few levels";
  if (contains(message, "not valid UTF-8")) {
    return "save the file as UTF-8; binary data belongs in a config file, not a manifest";
  }
  if (contains(message, "would replace the pinned binary")) {
    return "place the config file beside the binary, e.g. under etc/";
  }
  if (contains(message, "is a symlink in the state repo")) {
    return "commit the file itself at that path, not a link to it";
  }
  if (starts_with(message, "malformed YAML")) {
    return "fix the YAML syntax at this line: indentation, a missing ':', an unclosed quote or "
           "bracket, a tab";
  }
  if (starts_with(message, "expected exactly one YAML document")) {
    return "keep one manifest per file: move the document after '---' to a file of its own";
  }
  if (contains(message, "appears twice")) return "delete one of the two keys";
  if (starts_with(message, "unknown field")) {
    return "remove the field or fix its spelling; unknown fields are errors because the agent "
           "refuses the whole commit over them";
  }
  if (starts_with(message, "required field is missing")) {
    return "add " + std::string(last_key(field)) +
           " (the manifest format: tether's docs/design.md)";
  }
  if (contains(message, "put it in quotes")) return "quote the value so YAML reads a string";
  if (starts_with(message, "set exactly one of spec.release")) {
    return "keep either spec.release (a binary release) or spec.container (an image), not both";
  }
  if (contains(message, "does not match the file name")) {
    return "rename the file after metadata.name, or fix metadata.name";
  }
  if (contains(message, "is not in the state repo")) {
    return "commit the file (paths are relative to the repo root, under config/) or fix the path";
  }
  if (contains(message, "is the target of two config entries")) {
    return "give each config entry its own target";
  }
  if (starts_with(message, "no service named")) {
    return "remove the override or add the service in services/";
  }
  return "";
}

/// Hints chosen by the field the message is about.
std::string hint_by_field(std::string_view field) {
  const std::string_view key = last_key(field);
  if (key == "apiVersion") return "set apiVersion: tether.dev/v1";
  if (key == "kind") return "set kind: Service in services/*.yaml, kind: Host in hosts/*.yaml";
  if (key == "sha256") {
    return "use 64 lowercase hex digits, the output of `sha256sum FILE`, in quotes";
  }
  if (key == "commit") {
    return "use the full 40-hex source commit the build came from (`git rev-parse HEAD`)";
  }
  if (key == "image") {
    return "pin the image by digest, NAME[:TAG]@sha256:<64 hex> (`podman image inspect "
           "--format '{{.Digest}}' IMAGE`), or set spec.allowFloatingTag: true";
  }
  if (starts_with(field, "spec.dependsOn")) {
    return "list services of the same host, each once and without a cycle; see "
           "docs/dependencies.md";
  }
  if (starts_with(field, "spec.rollout.steps") || starts_with(field, "spec.rollout.analysis")) {
    return "steps: 1 to 10 of {percent, pause}, percents rising from 1 to a last step of 100 "
           "without a pause; see docs/staged-rollout.md (Waves)";
  }
  if (key == "percent") return "use a whole number from 0 (no host) to 100 (every selected host)";
  if (key == "version") return "use 1-64 of A-Z a-z 0-9 . _ + -, in quotes; no '/' or '..'";
  if (key == "name")
    return "use lowercase letters, digits and '-', starting with a letter or digit";
  if (key == "url") return "use a full URL with one of the schemes the message lists";
  if (key == "source" || key == "target" || key == "path") {
    return "use a relative path inside the repo (source) or release (target, path), without "
           "'..'";
  }
  if (ends_with(key, "Timeout") || key == "timeout" || key == "interval" || key == "deadline" ||
      key == "initialDelay") {
    return "use a duration such as 500ms, 10s, 5m or 1h, in quotes if YAML reads a number";
  }
  if (starts_with(field, "spec.selector") || contains(field, ".labels") ||
      contains(field, ".env")) {
    return "use string keys and quoted string values";
  }
  return "";
}

}  // namespace

int locate_field_line(const std::string& text, const std::string& field) {
  std::vector<YAML::Node> documents;
  if (const auto problem = yaml_guard(text)) return static_cast<int>(problem->line);
  try {
    documents = YAML::LoadAll(text);
  } catch (const YAML::Exception&) {
    return 0;
  }
  if (documents.empty()) return 1;
  if (field == "<root>") return documents.size() > 1 ? line_of(documents[1].Mark()) : 1;
  const int root_line = std::max(1, line_of(documents[0].Mark()));
  return follow(documents[0], field, root_line);
}

std::string fix_hint(const std::string& field, const std::string& message) {
  std::string hint = hint_by_message(field, message);
  if (hint.empty()) hint = hint_by_field(field);
  if (hint.empty()) {
    hint = "correct " + (field == "<root>" ? std::string("the document") : field) +
           " as the message says (the manifest format is in tether's docs/design.md)";
  }
  return hint;
}

}  // namespace tether::review
