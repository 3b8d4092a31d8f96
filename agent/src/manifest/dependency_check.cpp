#include "manifest/dependency_check.hpp"

#include <algorithm>

namespace tether {
namespace {

enum class Mark { unvisited, on_path, done };

/// Depth-first from `name`; on reaching a service already on `path`, returns the cycle.
std::vector<std::string> visit(const std::string& name,
                               const DependencyEdges& edges,
                               std::map<std::string, Mark>& marks,
                               std::vector<std::string>& path) {
  marks[name] = Mark::on_path;
  path.push_back(name);
  for (const std::string& next : edges.at(name)) {
    if (edges.count(next) == 0) continue;
    if (marks[next] == Mark::on_path) {
      std::vector<std::string> cycle(std::find(path.begin(), path.end(), next), path.end());
      cycle.push_back(next);
      return cycle;
    }
    if (marks[next] == Mark::unvisited) {
      if (auto cycle = visit(next, edges, marks, path); !cycle.empty()) return cycle;
    }
  }
  path.pop_back();
  marks[name] = Mark::done;
  return {};
}

std::string file_of(const DependencyScope& scope, const std::string& service) {
  const auto it = scope.files.find(service);
  return it == scope.files.end() ? "services/" + service + ".yaml" : it->second;
}

/// Why `dependency` cannot be depended on from this host ("" when it can).
std::string unknown_dependency(const std::string& dependency, const DependencyScope& scope) {
  if (scope.files.count(dependency) == 0) {
    return "\"" + dependency + "\" is not a service of the state repo (there is no services/" +
           dependency + ".yaml); add it or remove \"" + dependency + "\" from spec.dependsOn";
  }
  if (scope.selected.count(dependency) == 0) {
    return "\"" + dependency + "\" is not declared for host " + scope.host_id +
           " (the selector in " + file_of(scope, dependency) +
           " does not match its labels); select it for this host " + "too or remove \"" +
           dependency + "\" from spec.dependsOn";
  }
  return "";
}

}  // namespace

std::vector<std::string> find_dependency_cycle(const DependencyEdges& edges) {
  std::map<std::string, Mark> marks;
  for (const auto& [name, deps] : edges) {
    if (marks[name] != Mark::unvisited) continue;
    std::vector<std::string> path;
    if (auto cycle = visit(name, edges, marks, path); !cycle.empty()) return cycle;
  }
  return {};
}

std::string cycle_text(const std::vector<std::string>& cycle) {
  std::string out;
  for (const std::string& name : cycle) out += (out.empty() ? "" : " -> ") + name;
  return out;
}

void check_dependencies(const std::map<std::string, DesiredService>& services,
                        const DependencyScope& scope,
                        Diagnostics& diagnostics) {
  DependencyEdges edges;
  for (const auto& [name, desired] : services) {
    const std::vector<std::string>& deps = desired.service.depends_on;
    edges[name] = deps;
    for (size_t i = 0; i < deps.size(); ++i) {
      if (std::string problem = unknown_dependency(deps[i], scope); !problem.empty()) {
        diagnostics.add({file_of(scope, name),
                         0,
                         "spec.dependsOn[" + std::to_string(i) + "]",
                         std::move(problem)});
      }
    }
  }
  const std::vector<std::string> cycle = find_dependency_cycle(edges);
  if (cycle.empty()) return;
  diagnostics.add({file_of(scope, cycle.front()),
                   0,
                   "spec.dependsOn",
                   "cycle " + cycle_text(cycle) +
                       ": services cannot wait for each other; remove one of these dependencies"});
}

}  // namespace tether
