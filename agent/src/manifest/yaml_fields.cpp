#include "manifest/yaml_fields.hpp"

#include <regex>

namespace tether {

YAML::Node map_child(const YAML::Node& map, const char* key) {
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node child = map[key];
  return child.IsDefined() ? child : YAML::Node(YAML::NodeType::Undefined);
}

namespace {

int line_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? 0 : mark.line + 1;
}

const char* type_name(PlainScalarType type) {
  switch (type) {
    case PlainScalarType::integer:
      return "a number";
    case PlainScalarType::floating:
      return "a number";
    case PlainScalarType::boolean:
      return "a boolean";
    case PlainScalarType::null:
      return "nothing (null)";
    case PlainScalarType::string:
      break;
  }
  return "a string";
}

const char* node_kind(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "nothing (null)";
  return "a scalar";
}

}  // namespace

std::string join_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

PlainScalarType resolve_plain_scalar(std::string_view text) {
  static const std::regex k_null("^(~|null|Null|NULL)?$");
  static const std::regex k_bool("^(true|True|TRUE|false|False|FALSE)$");
  static const std::regex k_int("^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$");
  static const std::regex k_float(
      "^([-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|"
      "NAN))$");
  const std::string s(text);
  if (std::regex_match(s, k_null)) return PlainScalarType::null;
  if (std::regex_match(s, k_bool)) return PlainScalarType::boolean;
  if (std::regex_match(s, k_int)) return PlainScalarType::integer;
  if (std::regex_match(s, k_float)) return PlainScalarType::floating;
  return PlainScalarType::string;
}

FieldReader::FieldReader(std::string file, Diagnostics& diagnostics)
    : m_file(std::move(file)), m_diagnostics(diagnostics) {}

void FieldReader::error(const YAML::Node& node, const std::string& path, std::string message) {
  m_diagnostics.add(
      Diagnostic{m_file, line_of(node), path.empty() ? "<root>" : path, std::move(message)});
}

bool FieldReader::expect_map(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) return true;
  error(node, path, std::string("expected a mapping of fields, got ") + node_kind(node));
  return false;
}

void FieldReader::reject_unknown_keys(const YAML::Node& map,
                                      const std::string& path,
                                      std::span<const std::string_view> allowed) {
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    bool known = false;
    for (std::string_view candidate : allowed) known = known || candidate == key;
    if (known) continue;
    std::string expected;
    for (std::string_view candidate : allowed) {
      expected += expected.empty() ? "" : ", ";
      expected += candidate;
    }
    error(entry.first, join_path(path, key), "unknown field; expected one of: " + expected);
  }
}

YAML::Node FieldReader::child(const YAML::Node& map,
                              const std::string& path,
                              const char* key,
                              Need need) {
  YAML::Node node = map[key];
  if (!node.IsDefined() && need == Need::required) {
    error(map, join_path(path, key), "required field is missing");
  }
  return node;
}

std::optional<std::string> FieldReader::scalar_string(const YAML::Node& node,
                                                      const std::string& path) {
  if (!node.IsScalar()) {
    error(node, path, std::string("expected a string, got ") + node_kind(node));
    return std::nullopt;
  }
  // yaml-cpp tags plain scalars "?": those that YAML 1.2 reads as numbers or booleans are not
  // strings for schema validators and editors, so ask for quotes instead of guessing.
  if (node.Tag() == "?") {
    const PlainScalarType type = resolve_plain_scalar(node.Scalar());
    if (type != PlainScalarType::string) {
      error(node,
            path,
            std::string("expected a string, got ") + type_name(type) + " (" + node.Scalar() +
                "); put it in quotes: \"" + node.Scalar() + "\"");
      return std::nullopt;
    }
  }
  return node.Scalar();
}

std::optional<std::string> FieldReader::string(const YAML::Node& map,
                                               const std::string& path,
                                               const char* key,
                                               Need need,
                                               const StringCheck& check) {
  const YAML::Node node = child(map, path, key, need);
  if (!node.IsDefined()) return std::nullopt;
  const std::string field = join_path(path, key);
  auto value = scalar_string(node, field);
  if (!value) return std::nullopt;
  if (check) {
    if (std::string expected = check(*value); !expected.empty()) {
      error(node, field, "expected " + expected + ", got \"" + *value + "\"");
      return std::nullopt;
    }
  }
  return value;
}

std::optional<long long> FieldReader::integer(const YAML::Node& map,
                                              const std::string& path,
                                              const char* key,
                                              Need need,
                                              long long min,
                                              long long max) {
  const YAML::Node node = child(map, path, key, need);
  if (!node.IsDefined()) return std::nullopt;
  const std::string field = join_path(path, key);
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!node.IsScalar() || node.Tag() != "?" ||
      resolve_plain_scalar(node.Scalar()) != PlainScalarType::integer) {
    error(node,
          field,
          "expected " + range + ", got " +
              (node.IsScalar() ? "\"" + node.Scalar() + "\"" : node_kind(node)));
    return std::nullopt;
  }
  long long value = 0;
  try {
    value = std::stoll(node.Scalar(), nullptr, 0);
  } catch (const std::exception&) {
    error(node, field, "expected " + range + ", got \"" + node.Scalar() + "\"");
    return std::nullopt;
  }
  if (value < min || value > max) {
    error(node, field, "expected " + range + ", got " + std::to_string(value));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> FieldReader::boolean(const YAML::Node& map,
                                         const std::string& path,
                                         const char* key,
                                         Need need) {
  const YAML::Node node = child(map, path, key, need);
  if (!node.IsDefined()) return std::nullopt;
  if (node.IsScalar() && node.Tag() == "?" &&
      resolve_plain_scalar(node.Scalar()) == PlainScalarType::boolean) {
    return node.Scalar()[0] == 't' || node.Scalar()[0] == 'T';
  }
  error(node, join_path(path, key), "expected true or false");
  return std::nullopt;
}

std::optional<Millis> FieldReader::duration(const YAML::Node& map,
                                            const std::string& path,
                                            const char* key,
                                            Need need) {
  const YAML::Node node = child(map, path, key, need);
  if (!node.IsDefined()) return std::nullopt;
  const std::string field = join_path(path, key);
  auto text = scalar_string(node, field);
  if (!text) return std::nullopt;
  auto value = parse_duration(*text);
  if (!value) {
    error(node, field, "expected a duration such as 500ms, 10s, 5m or 1h, got \"" + *text + "\"");
  }
  return value;
}

std::optional<std::vector<std::string>> FieldReader::string_list(
    const YAML::Node& map, const std::string& path, const char* key, Need need, bool non_empty) {
  const YAML::Node node = child(map, path, key, need);
  if (!node.IsDefined()) return std::nullopt;
  const std::string field = join_path(path, key);
  if (!node.IsSequence()) {
    error(node, field, std::string("expected a list of strings, got ") + node_kind(node));
    return std::nullopt;
  }
  if (non_empty && node.size() == 0) {
    error(node, field, "expected at least one item");
    return std::nullopt;
  }
  std::vector<std::string> items;
  bool ok = true;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string item_path = field + "[" + std::to_string(i) + "]";
    auto item = scalar_string(node[i], item_path);
    if (item && non_empty && item->empty()) {
      error(node[i], item_path, "expected a non-empty string");
      item.reset();
    }
    ok = ok && item.has_value();
    if (item) items.push_back(*item);
  }
  if (!ok) return std::nullopt;
  return items;
}

std::optional<StringMap> FieldReader::string_map(const YAML::Node& map,
                                                 const std::string& path,
                                                 const char* key,
                                                 size_t max_value_length) {
  static const std::regex k_key("^[A-Za-z_][A-Za-z0-9_./-]{0,62}$");
  const YAML::Node node = child(map, path, key, Need::optional);
  if (!node.IsDefined()) return std::nullopt;
  const std::string field = join_path(path, key);
  if (!expect_map(node, field)) return std::nullopt;
  StringMap out;
  bool ok = true;
  for (const auto& entry : node) {
    const std::string name = entry.first.Scalar();
    const std::string entry_path = join_path(field, name);
    if (!scalar_string(entry.first, entry_path)) {
      ok = false;
      continue;
    }
    if (!std::regex_match(name, k_key)) {
      error(entry.first, entry_path, "expected a key of letters, digits, _ . / - (max 63)");
      ok = false;
      continue;
    }
    auto value = scalar_string(entry.second, entry_path);
    if (value && value->size() > max_value_length) {
      error(entry.second,
            entry_path,
            "value is longer than " + std::to_string(max_value_length) + " characters");
      value.reset();
    }
    ok = ok && value.has_value();
    if (value) out.emplace(name, *value);
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace tether
