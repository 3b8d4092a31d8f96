#include "fleet/plan_view.hpp"

#include "fleet/targets.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tether::fleet {
namespace {

using nlohmann::json;

std::string text_of(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

bool flag_of(const json& object, const char* key, bool fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

/// The release's text and version ("-" and "" for null).
std::pair<std::string, std::string> release_of(const json& service, const char* key) {
  const auto it = service.find(key);
  if (it == service.end() || !it->is_object()) return {"-", ""};
  return {text_of(*it, "text"), text_of(*it, "version")};
}

ServicePlan service_plan(const json& item) {
  ServicePlan service;
  service.service = text_of(item, "service");
  service.action = text_of(item, "action");
  service.reason = text_of(item, "reason");
  std::tie(service.live, service.live_version) = release_of(item, "live");
  std::tie(service.desired, service.desired_version) = release_of(item, "desired");
  service.drift = flag_of(item, "drift", false);
  service.drift_reason = text_of(item, "driftReason");
  service.repairs_drift = flag_of(item, "repairsDrift", false);
  return service;
}

/// "HTTP 404: <error> (<hint>)", or "HTTP 404" when the body is not an error document.
std::string agent_error(const Reply& reply) {
  std::string text = "HTTP " + std::to_string(reply.http_status);
  const json body = json::parse(reply.body, nullptr, false);
  if (body.is_object() && !text_of(body, "error").empty()) {
    text += ": " + text_of(body, "error");
    if (const std::string hint = text_of(body, "hint"); !hint.empty()) text += " (" + hint + ")";
  } else if (reply.http_status == 404) {
    text += ": no GET /plan here (an older agent?)";
  }
  return text;
}

}  // namespace

std::string HostPlan::name() const { return host.empty() ? authority_of(target) : host; }

bool HostPlan::drifted() const {
  return std::any_of(
      services.begin(), services.end(), [](const ServicePlan& s) { return s.drift; });
}

HostPlan host_plan(const Reply& reply) {
  HostPlan plan;
  plan.target = reply.target;
  if (!reply.transport_error.empty()) {
    plan.unreachable = reply.transport_error;
    return plan;
  }
  if (reply.http_status != 200) {
    plan.error = agent_error(reply);
    return plan;
  }
  const json doc = json::parse(reply.body, nullptr, false);
  if (!doc.is_object()) {
    plan.unreachable = "invalid JSON";
    return plan;
  }
  if (text_of(doc, "format") != "tether.plan-preview/v1") {
    plan.unreachable = "not a tether plan preview (format \"" + text_of(doc, "format") + "\")";
    return plan;
  }
  plan.host = text_of(doc, "host");
  plan.ref_name = text_of(doc, "refName");
  plan.commit = text_of(doc, "commit");
  if (const auto trust = doc.find("trust"); trust != doc.end() && trust->is_object()) {
    plan.signature = text_of(*trust, "signature");
    plan.admitted = flag_of(*trust, "admitted", true);
    plan.trust_detail = text_of(*trust, "detail");
  }
  if (const auto services = doc.find("services"); services != doc.end() && services->is_array()) {
    for (const json& item : *services) {
      if (item.is_object()) plan.services.push_back(service_plan(item));
    }
  }
  return plan;
}

}  // namespace tether::fleet
