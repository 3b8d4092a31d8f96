#pragma once

#include "manifest/diagnostics.hpp"
#include "model/desired.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace tether {

/// Service name -> the services it depends on (`spec.dependsOn`).
using DependencyEdges = std::map<std::string, std::vector<std::string>>;

/// The first dependency cycle in `edges`, as the path that closes it ({"a", "b", "a"}), or empty
/// when there is none. Services are visited by name, so the same edges always give the same
/// cycle. Edges to services that are not keys of `edges` are ignored.
[[nodiscard]] std::vector<std::string> find_dependency_cycle(const DependencyEdges& edges);

/// "a -> b -> a".
[[nodiscard]] std::string cycle_text(const std::vector<std::string>& cycle);

/// What load_desired() knows about the services of one host when it checks their dependsOn.
struct DependencyScope {
  std::map<std::string, std::string> files;  ///< every service in services/ -> its file
  std::set<std::string> selected;  ///< selector matches this host (in or out of its rollout share)
  std::string host_id;
};

/// Checks `spec.dependsOn` of the services resolved for one host: each dependency is a service
/// this host's selector takes (one held back by its rollout share counts: the host keeps what it
/// runs, and it is not waited for), and the dependencies form no cycle. Every problem is added
/// to `diagnostics`, naming the file, the field and (for a cycle) its path.
void check_dependencies(const std::map<std::string, DesiredService>& services,
                        const DependencyScope& scope,
                        Diagnostics& diagnostics);

}  // namespace tether
