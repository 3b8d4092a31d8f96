#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace tether {

/// Bounds on a document that the event pass enforces before any node is built.
inline constexpr size_t k_yaml_max_nodes = 10'000;  ///< nodes once every alias is expanded
inline constexpr size_t k_yaml_max_depth = 64;      ///< nested collections

/// What yaml_guard() found wrong with a text, before yaml-cpp builds a single node.
struct YamlGuardProblem {
  size_t line = 0;  ///< 1-based
  std::string message;
};

/// Runs yaml-cpp's event parser over `text` (linear in its length: aliases are not expanded,
/// nothing is built) and refuses what would make building or walking the nodes unbounded:
/// - a comma where no node can start (`{}, x`, `- a\n, x`, `, x`): yaml-cpp 0.7's LoadAll never
///   returns on it, allocating until memory runs out (found by fuzzing);
/// - aliases that expand to more than k_yaml_max_nodes nodes (an "alias bomb": 692 bytes of
///   nested aliases is billions of nodes to every walk over the document), or an alias to a
///   node that contains it (a cycle);
/// - collections nested deeper than k_yaml_max_depth, as written or once aliases are expanded.
/// nullopt when YAML::LoadAll is safe to call (it may still throw YAML::Exception).
[[nodiscard]] std::optional<YamlGuardProblem> yaml_guard(const std::string& text);

/// The stray-comma part of yaml_guard(): the 1-based line of the comma, or 0.
[[nodiscard]] size_t stray_comma_line(const std::string& text);

}  // namespace tether
