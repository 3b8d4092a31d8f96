#include "review/plan_builder.hpp"

#include "review/classify.hpp"
#include "review/declared_services.hpp"

#include <set>

namespace tether::review {
namespace {

/// Validates one commit for many hosts, keeping each distinct problem once (most problems are
/// in shared files and would otherwise repeat for every host).
class SideLoader {
 public:
  explicit SideLoader(const StateSnapshot& snapshot) : m_snapshot(snapshot) {}

  std::optional<HostDeclaration> load(const HostIdentity& host) {
    Diagnostics diagnostics;
    auto declared = declared_for(m_snapshot, host, diagnostics);
    for (const Diagnostic& item : diagnostics.items()) {
      const std::string line = item.describe();
      if (m_seen.insert(line).second) m_problems.push_back(line);
    }
    return declared;
  }

  [[nodiscard]] bool valid() const { return m_problems.empty(); }
  [[nodiscard]] std::string problems() const {
    std::string out;
    for (const std::string& line : m_problems) out += "  " + line + "\n";
    return out;
  }

 private:
  const StateSnapshot& m_snapshot;
  std::set<std::string> m_seen;
  std::vector<std::string> m_problems;
};

std::string side_name(const std::string& flag, const std::string& rev, const std::string& commit) {
  return flag + " " + rev + " (" + commit.substr(0, 12) + ")";
}

std::string invalid_message(const std::string& side, const SideLoader& loader) {
  return "the manifests at " + side + " are invalid; agents refuse this commit:\n" +
         loader.problems() + "fix them in a new commit (file:line above) and plan again";
}

/// Every host either commit knows, plus the one asked for; ids map to the labels the agent
/// would be configured with (none: hosts/<id>.yaml sets them).
std::map<std::string, StringMap> hosts_to_plan(const StateSnapshot& from,
                                               const StateSnapshot& to,
                                               const std::optional<HostIdentity>& extra) {
  std::map<std::string, StringMap> hosts;
  for (const auto& [id, labels] : hosts_declared(from)) hosts.emplace(id, StringMap{});
  for (const auto& [id, labels] : hosts_declared(to)) hosts.emplace(id, StringMap{});
  if (extra) hosts[extra->id] = extra->labels;
  return hosts;
}

}  // namespace

PlanOutcome build_plan(ReviewRepo& repo, const PlanRequest& request) {
  auto from = repo.resolve(request.from_rev);
  if (!from) return PlanError{PlanFailure::bad_revision, "--from: " + from.error().describe()};
  auto to = repo.resolve(request.to_rev);
  if (!to) return PlanError{PlanFailure::bad_revision, "--to: " + to.error().describe()};
  auto from_snapshot = repo.snapshot(*from);
  if (!from_snapshot) return PlanError{PlanFailure::unreadable, from_snapshot.error().describe()};
  auto to_snapshot = repo.snapshot(*to);
  if (!to_snapshot) return PlanError{PlanFailure::unreadable, to_snapshot.error().describe()};

  auto hosts = hosts_to_plan(*from_snapshot, *to_snapshot, request.extra_host);
  SideLoader from_loader(*from_snapshot);
  SideLoader to_loader(*to_snapshot);
  // Without any host the manifests are still checked, as any agent would check them.
  if (hosts.empty()) {
    (void)from_loader.load(HostIdentity{"tether-plan", {}});
    (void)to_loader.load(HostIdentity{"tether-plan", {}});
  }
  std::vector<HostInput> inputs;
  for (const auto& [id, labels] : hosts) {
    const HostIdentity identity{id, labels};
    auto before = from_loader.load(identity);
    auto after = to_loader.load(identity);
    if (!before || !after) continue;
    inputs.push_back(HostInput{id,
                               after->labels.empty() ? before->labels : after->labels,
                               before->services,
                               after->services});
  }
  const std::string from_side = side_name("--from", request.from_rev, *from);
  const std::string to_side = side_name("--to", request.to_rev, *to);
  if (!to_loader.valid()) {
    std::string message = invalid_message(to_side, to_loader);
    if (!from_loader.valid()) message += "\n" + invalid_message(from_side, from_loader);
    return PlanError{PlanFailure::invalid_to, message};
  }
  if (!from_loader.valid()) {
    return PlanError{PlanFailure::invalid_from, invalid_message(from_side, from_loader)};
  }

  auto blobs = repo.service_history(*from, request.history_limit);
  if (!blobs) return PlanError{PlanFailure::unreadable, blobs.error().describe()};
  const DeclaredHistory history = history_of(*blobs);
  ReviewPlan plan{request.from_rev, *from, request.to_rev, *to, {}, {}};
  for (const HostInput& input : inputs) plan.hosts.push_back(plan_host(input, history));
  plan.summary = summarize(plan.hosts);
  return plan;
}

}  // namespace tether::review
