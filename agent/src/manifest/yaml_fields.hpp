#pragma once

#include "core/duration.hpp"
#include "manifest/diagnostics.hpp"
#include "model/service.hpp"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tether {

enum class Need { required, optional };

/// `map[key]`, or an undefined node when `map` is no map or has no such key (a missing key of
/// a const yaml-cpp node is an invalid node that throws on most calls).
[[nodiscard]] YAML::Node map_child(const YAML::Node& map, const char* key);

/// A check on a string value: returns an empty string when fine, else what was expected.
using StringCheck = std::function<std::string(const std::string&)>;

/// Typed, located reads of fields from yaml-cpp nodes. Every problem becomes a Diagnostic with
/// the file, line and dotted field path; reads return nullopt on error so parsing continues
/// and one pass reports every problem.
class FieldReader {
 public:
  FieldReader(std::string file, Diagnostics& diagnostics);

  /// Records an error at `node`'s line for `path`.
  void error(const YAML::Node& node, const std::string& path, std::string message);

  /// True when `node` is a mapping; records an error otherwise.
  bool expect_map(const YAML::Node& node, const std::string& path);
  /// Records an error for each key of `map` that is not in `allowed` (typo protection).
  void reject_unknown_keys(const YAML::Node& map,
                           const std::string& path,
                           std::span<const std::string_view> allowed);
  void reject_unknown_keys(const YAML::Node& map,
                           const std::string& path,
                           std::initializer_list<std::string_view> allowed) {
    reject_unknown_keys(map, path, std::span(allowed.begin(), allowed.size()));
  }
  /// The child `key` of `map`, or an undefined node (and an error if required) when absent.
  YAML::Node child(const YAML::Node& map, const std::string& path, const char* key, Need need);

  std::optional<std::string> string(const YAML::Node& map,
                                    const std::string& path,
                                    const char* key,
                                    Need need,
                                    const StringCheck& check = {});
  std::optional<long long> integer(const YAML::Node& map,
                                   const std::string& path,
                                   const char* key,
                                   Need need,
                                   long long min,
                                   long long max);
  std::optional<bool> boolean(const YAML::Node& map,
                              const std::string& path,
                              const char* key,
                              Need need);
  std::optional<Millis> duration(const YAML::Node& map,
                                 const std::string& path,
                                 const char* key,
                                 Need need);
  /// A list of strings; `non_empty` also requires at least one item and no empty items.
  std::optional<std::vector<std::string>> string_list(
      const YAML::Node& map, const std::string& path, const char* key, Need need, bool non_empty);
  /// A free-form map of string keys to string values (selector, labels, env).
  std::optional<StringMap> string_map(const YAML::Node& map,
                                      const std::string& path,
                                      const char* key,
                                      size_t max_value_length);

  [[nodiscard]] const std::string& file() const { return m_file; }

 private:
  /// The scalar's text if it is a string in YAML 1.2 core terms; records an error otherwise.
  std::optional<std::string> scalar_string(const YAML::Node& node, const std::string& path);

  std::string m_file;
  Diagnostics& m_diagnostics;
};

/// "a.b" + "c" -> "a.b.c"; "" + "c" -> "c".
[[nodiscard]] std::string join_path(const std::string& parent, std::string_view key);

/// How a plain (unquoted) scalar resolves under the YAML 1.2 core schema.
enum class PlainScalarType { string, integer, floating, boolean, null };
[[nodiscard]] PlainScalarType resolve_plain_scalar(std::string_view text);

}  // namespace tether
