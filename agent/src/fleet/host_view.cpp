#include "fleet/host_view.hpp"

#include "fleet/targets.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace tether::fleet {
namespace {

using Json = nlohmann::json;

constexpr std::array<FleetState, 6> k_known = {FleetState::converged,
                                               FleetState::pending,
                                               FleetState::failed,
                                               FleetState::quarantined,
                                               FleetState::unhealthy,
                                               FleetState::undeclared};

/// `json[key]` when it is a string, else "".
std::string text_at(const Json& json, const char* key) {
  const auto it = json.find(key);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<ReleaseView> release_at(const Json& json, const char* key) {
  const auto it = json.find(key);
  if (it == json.end() || !it->is_object()) return std::nullopt;
  return ReleaseView{text_at(*it, "version"), text_at(*it, "commit"), text_at(*it, "image")};
}

std::string quarantine_reason(const Json& service) {
  const auto it = service.find("quarantine");
  return it != service.end() && it->is_object() ? text_at(*it, "reason") : std::string();
}

std::optional<LastPass> last_pass_of(const Json& json) {
  const auto it = json.find("lastPass");
  if (it == json.end() || !it->is_object()) return std::nullopt;
  return LastPass{text_at(*it, "time"), text_at(*it, "outcome"), text_at(*it, "problem")};
}

/// The service's wave, when it rolls out in waves: {"wave": 2, "waiting": "pause" or null}.
void read_wave(const Json& service, ServiceView& view) {
  const auto it = service.find("wave");
  if (it == service.end() || !it->is_object()) return;
  const auto wave = it->find("wave");
  if (wave != it->end() && wave->is_number_integer() && *wave >= 1 && *wave <= 1000)
    view.wave = wave->get<int>();
  view.waiting = text_at(*it, "waiting");
}

/// lastError, else the agent's reason for a blocked or degraded service.
std::string problem_text(const Json& service) {
  std::string problem = text_at(service, "lastError");
  return problem.empty() ? text_at(service, "reason") : problem;
}

/// Fills `host` from a parsed document; returns what makes it no status document, or "".
std::string read_document(const Json& json, HostView& host) {
  if (!json.is_object()) return "not a tether status document: not a JSON object";
  const auto services = json.find("services");
  if (services == json.end() || !services->is_array())
    return "not a tether status document: no \"services\" array";
  for (const Json& service : *services) {
    if (!service.is_object() || text_at(service, "service").empty())
      return "not a tether status document: a service without a name";
    ServiceView view{text_at(service, "service"),
                     folded_state(text_at(service, "state")),
                     release_at(service, "desired"),
                     release_at(service, "current"),
                     problem_text(service),
                     quarantine_reason(service)};
    read_wave(service, view);
    host.services.push_back(std::move(view));
  }
  std::sort(host.services.begin(), host.services.end(), [](const auto& a, const auto& b) {
    return a.service < b.service;
  });
  host.host = text_at(json, "host");
  host.desired_commit = text_at(json, "desiredCommit");
  host.tip_commit = text_at(json, "tipCommit");
  host.last_pass = last_pass_of(json);
  return "";
}

}  // namespace

const char* to_string(FleetState state) {
  switch (state) {
    case FleetState::converged:
      return "converged";
    case FleetState::pending:
      return "pending";
    case FleetState::failed:
      return "failed";
    case FleetState::quarantined:
      return "quarantined";
    case FleetState::unhealthy:
      return "unhealthy";
    case FleetState::undeclared:
      return "undeclared";
    case FleetState::unknown:
      break;
  }
  return "unknown";
}

/// A service `blocked` on a dependency has not taken its release yet and will once the
/// dependency is healthy, nor has a `suspended` one, held by an operator; a `degraded` one
/// keeps crashing or drifting and its restarts are being held back; a `baking` one runs its
/// new release but its spec.analysis has not passed yet (`fleet wait` keeps waiting,
/// docs/analysis.md). The agent's reason stays in the problem text.
FleetState folded_state(std::string_view text) {
  if (text == "blocked" || text == "suspended" || text == "baking") return FleetState::pending;
  if (text == "degraded") return FleetState::failed;
  return parse_fleet_state(text);
}

FleetState parse_fleet_state(std::string_view text) {
  for (const FleetState state : k_known) {
    if (text == to_string(state)) return state;
  }
  return FleetState::unknown;
}

std::string ReleaseView::text() const {
  if (!image.empty()) {
    std::string name = image.substr(image.rfind('/') + 1);
    const size_t digest = name.find("@sha256:");
    if (digest != std::string::npos) name.resize(std::min(name.size(), digest + 8 + 12));
    return name;
  }
  if (version.empty()) return commit.empty() ? "-" : commit.substr(0, 12);
  return commit.empty() ? version : version + " (" + commit.substr(0, 12) + ")";
}

FleetState effective_state(const ServiceView& service) {
  if (service.state != FleetState::converged || !service.desired) return service.state;
  const ReleaseView& desired = *service.desired;
  if (!desired.image.empty()) return service.state;  // the live image is not in the report
  const bool live = service.current && service.current->version == desired.version &&
                    (desired.commit.empty() || service.current->commit == desired.commit);
  return live ? FleetState::converged : FleetState::pending;
}

std::string ServiceView::problem() const {
  if (!last_error.empty()) return last_error;
  return quarantine_reason.empty() ? "" : "quarantined: " + quarantine_reason;
}

bool HostView::tip_not_applied() const {
  return last_pass && (last_pass->outcome == "refused" || last_pass->outcome == "unreachable");
}

std::string HostView::name() const { return host.empty() ? authority_of(target) : host; }

const ServiceView* HostView::find(std::string_view name) const {
  for (const ServiceView& service : services) {
    if (service.service == name) return &service;
  }
  return nullptr;
}

HostView host_view(const Reply& reply) {
  HostView host;
  host.target = reply.target;
  if (!reply.transport_error.empty()) {
    host.problem = reply.transport_error;
  } else if (reply.http_status != 200) {
    host.problem = "HTTP " + std::to_string(reply.http_status);
  } else if (const Json json = Json::parse(reply.body, nullptr, false); json.is_discarded()) {
    host.problem = "invalid JSON";
  } else {
    host.problem = read_document(json, host);
  }
  if (!host.reachable()) {
    std::string problem = std::move(host.problem);
    host = HostView{};
    host.target = reply.target;
    host.problem = std::move(problem);
  }
  return host;
}

}  // namespace tether::fleet
