#pragma once

// Internal to validate*.cpp: what the passes of validate_snapshot() share.

#include "manifest/diagnostics.hpp"
#include "model/service.hpp"
#include "model/snapshot.hpp"
#include "review/validate.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tether::review::validate_detail {

/// Collects findings, giving each a line (located in the file's text when the parser had none)
/// and a fix hint.
class Collector {
 public:
  explicit Collector(const StateSnapshot& snapshot) : m_snapshot(snapshot) {}

  /// Parser diagnostics, as errors.
  void add_parser(const Diagnostics& diagnostics);
  /// A finding at `field` of `file`, located in its text.
  void add(Severity severity,
           const std::string& file,
           const std::string& field,
           std::string message,
           std::string hint);
  void add(Finding finding) { m_findings.push_back(std::move(finding)); }

  [[nodiscard]] bool has_errors() const;
  /// Sorted by file, line and field; each finding once.
  [[nodiscard]] std::vector<Finding> take();
  [[nodiscard]] int line_of(const std::string& file, const std::string& field) const;

 private:
  const StateSnapshot& m_snapshot;
  std::vector<Finding> m_findings;
};

/// A services/*.yaml file as read without the parser: enough for the cross-file checks even
/// when the file has other errors.
struct ServiceInfo {
  std::string path;
  std::string stem;
  bool parsed = false;  ///< parse_service accepted it alone
  YAML::Node root;      ///< the document's mapping, or undefined when it is not one
  std::string name;     ///< metadata.name when it is a valid service name
  StringMap selector;   ///< when spec.selector is a mapping of strings
};

/// A hosts/*.yaml file, likewise.
struct HostInfo {
  std::string path;
  std::string stem;
  YAML::Node root;
  std::string name;  ///< metadata.name when it is a valid host id
  StringMap labels;
  std::map<std::string, YAML::Node> overrides;  ///< valid service names -> override mapping
  std::set<std::string> bad_overrides;          ///< overrides the parser reported problems in
};

/// The single mapping document of `text`, or an undefined node (the parser says why).
[[nodiscard]] YAML::Node load_map(const std::string& text);
/// `map[key]` when `map` is a mapping, else an undefined node.
[[nodiscard]] YAML::Node child(const YAML::Node& map, const char* key);
/// A mapping of scalars to scalars (selector, labels); nullopt for anything else.
[[nodiscard]] std::optional<StringMap> string_map(const YAML::Node& node);

/// spec.config sources missing from the snapshot, and targets used twice, in `spec` (a Service
/// spec or a host override mapping) of `file`; `prefix` is the field path of `spec`.
void check_config(const YAML::Node& spec,
                  const std::string& file,
                  const std::string& prefix,
                  const StateSnapshot& snapshot,
                  Collector& out);

/// Every host override: it names a service of the repo and, merged into that service, is still
/// a valid spec whose config sources exist.
void check_overrides(const std::vector<HostInfo>& hosts,
                     const std::vector<ServiceInfo>& services,
                     const StateSnapshot& snapshot,
                     Collector& out);

/// Selectors that match none of the hosts in hosts/*.yaml.
void check_selectors(const std::vector<ServiceInfo>& services,
                     const std::vector<HostInfo>& hosts,
                     SelectorPolicy policy,
                     Collector& out);

/// secrets (#23): secrets/recipients/*.txt readable, and every encrypted config file readable
/// by the known hosts that get it, as far as its header can say (review/validate_secrets.cpp).
void check_secrets(const StateSnapshot& snapshot,
                   const std::vector<HostInfo>& hosts,
                   const std::vector<ServiceInfo>& services,
                   Collector& out);

}  // namespace tether::review::validate_detail
