#include "manifest/utf8_fields.hpp"

#include "core/utf8.hpp"

namespace tether {
namespace {

std::optional<Diagnostic> invalid(const std::string& file,
                                  const YAML::Node& node,
                                  const std::string& field,
                                  const std::string& text,
                                  const char* what) {
  const size_t offset = invalid_utf8_offset(text);
  if (offset == std::string::npos) return std::nullopt;
  return Diagnostic{file,
                    node.Mark().is_null() ? 0 : node.Mark().line + 1,
                    field.empty() ? "<root>" : field,
                    std::string(what) + " is not valid UTF-8 (byte " + std::to_string(offset) +
                        " of \"" + escape_invalid_utf8(text) +
                        "\"); manifests are UTF-8 text: re-save the file as UTF-8"};
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::optional<Diagnostic> walk(const std::string& file,
                               const YAML::Node& node,
                               const std::string& field) {
  if (node.IsScalar()) return invalid(file, node, field, node.Scalar(), "the value");
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      if (auto found = walk(file, node[i], field + "[" + std::to_string(i) + "]")) return found;
    }
  } else if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "?";
      const std::string path = child_path(field, escape_invalid_utf8(key));
      if (entry.first.IsScalar()) {
        if (auto found = invalid(file, entry.first, path, key, "the key")) return found;
      } else if (auto found = walk(file, entry.first, path)) {
        return found;
      }
      if (auto found = walk(file, entry.second, path)) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Diagnostic> find_invalid_utf8(const std::string& file, const YAML::Node& node) {
  return walk(file, node, "");
}

}  // namespace tether
