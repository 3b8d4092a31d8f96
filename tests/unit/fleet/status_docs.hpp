#pragma once

// Hand-written GET /status documents (manifests-schema/status.schema.json) for the fleet tests.

#include "fleet/host_view.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tether::fleet::test {

/// A made-up 40-hex source commit for a version: its digits, then zeros ("1.4.2" -> "142000...").
inline std::string commit_of(const std::string& version) {
  std::string commit;
  for (const char c : version) {
    if (c >= '0' && c <= '9') commit += c;
  }
  return commit + std::string(40 - commit.size(), '0');
}

/// A state commit: 40 times `c`.
inline std::string state(char c) { return std::string(40, c); }

inline nlohmann::json release(const std::string& version) {
  if (version.empty()) return nullptr;
  return {{"version", version}, {"commit", commit_of(version)}};
}

/// One services[] entry: `desired`/`current` "" mean null.
inline nlohmann::json service(const std::string& name,
                              const std::string& state_text,
                              const std::string& desired,
                              const std::string& current,
                              const std::string& last_error = "") {
  nlohmann::json json = {{"service", name},
                         {"process", current.empty() ? "not running" : "running"},
                         {"installed", current.empty() ? 0 : 1},
                         {"desired", release(desired)},
                         {"state", state_text}};
  json["current"] = nullptr;
  if (!current.empty()) {
    json["current"] = release(current);
    json["current"]["dir"] = current + "-" + commit_of(current).substr(0, 12) + "-0123abcd";
    json["current"]["intact"] = true;
    json["current"]["damage"] = "";
  }
  if (!last_error.empty()) json["lastError"] = last_error;
  return json;
}

/// A whole document of a running agent that converges to `desired_commit`.
inline std::string document(const std::string& host,
                            const std::string& desired_commit,
                            const std::vector<nlohmann::json>& services,
                            const std::string& outcome = "converged") {
  nlohmann::json json = {{"root", "/var/lib/tether"},
                         {"stateCommit", desired_commit},
                         {"host", host},
                         {"labels", {{"role", "web"}}},
                         {"desiredCommit", desired_commit},
                         {"lastPass", {{"time", "2024-05-01T10:00:00Z"}, {"outcome", outcome}}},
                         {"services", services}};
  return json.dump();
}

/// `document` of an agent whose last pass ended `outcome` ("refused" or "unreachable") with
/// `problem`, having fetched `tip` ("" when unreachable) while it keeps `desired_commit`.
inline std::string off_tip_document(const std::string& host,
                                    const std::string& desired_commit,
                                    const std::string& tip,
                                    const std::vector<nlohmann::json>& services,
                                    const std::string& outcome,
                                    const std::string& problem) {
  nlohmann::json json = nlohmann::json::parse(document(host, desired_commit, services, outcome));
  json["tipCommit"] = tip;
  json["lastPass"]["problem"] = problem;
  return json.dump();
}

inline std::string url_of(const std::string& host) { return "http://" + host + ":9410"; }

/// A 200 reply carrying `body` from the target named after `host`.
inline Reply answered(const std::string& host, const std::string& body) {
  return Reply{url_of(host), "", 200, body};
}

inline Reply refused(const std::string& host) {
  return Reply{url_of(host), "connection refused", 0, ""};
}

/// The HostViews of `replies`.
inline std::vector<HostView> views(const std::vector<Reply>& replies) {
  std::vector<HostView> hosts;
  for (const Reply& reply : replies) hosts.push_back(host_view(reply));
  return hosts;
}

}  // namespace tether::fleet::test
