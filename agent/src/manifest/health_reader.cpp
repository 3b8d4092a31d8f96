#include "manifest/health_reader.hpp"

#include "manifest/field_checks.hpp"

#include <vector>

namespace tether {
namespace {

// One reader a probe kind, for the map under `health.<kind>` at `p` (read_probe found it
// and checked it is a map). A kind without its reader fails to compile in read_probe.

std::optional<HttpProbe> read_kind(std::type_identity<HttpProbe>,
                                   FieldReader& r,
                                   const YAML::Node& http,
                                   const std::string& p) {
  r.reject_unknown_keys(http, p, {"url", "status", "body"});
  auto url = r.string(http, p, "url", Need::required, checks::http_url);
  auto status = r.integer(http, p, "status", Need::optional, 100, 599);
  auto body = r.string(http, p, "body", Need::optional);
  if (!url || (http["status"].IsDefined() && !status) || (http["body"].IsDefined() && !body)) {
    return std::nullopt;
  }
  return HttpProbe{*url, static_cast<int>(status.value_or(200)), body.value_or("")};
}

std::optional<TcpProbe> read_kind(std::type_identity<TcpProbe>,
                                  FieldReader& r,
                                  const YAML::Node& tcp,
                                  const std::string& p) {
  r.reject_unknown_keys(tcp, p, {"address"});
  auto address = r.string(tcp, p, "address", Need::required, checks::host_port);
  if (!address) return std::nullopt;
  return TcpProbe{*address};
}

std::optional<ExecProbe> read_kind(std::type_identity<ExecProbe>,
                                   FieldReader& r,
                                   const YAML::Node& exec,
                                   const std::string& p) {
  r.reject_unknown_keys(exec, p, {"command"});
  auto command = r.string_list(exec, p, "command", Need::required, true);
  if (!command) return std::nullopt;
  return ExecProbe{*command};
}

/// "health.http, health.tcp or health.exec": the kinds, as the error asking for one names them.
std::string probe_choices() {
  std::vector<std::string> keys;
  for_each_probe_kind([&]<class Kind>(std::type_identity<Kind>) {
    keys.push_back(std::string("health.") + Kind::k_key);
    return false;
  });
  std::string text;
  for (size_t i = 0; i < keys.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == keys.size() ? " or " : ", ") + keys[i];
  }
  return text;
}

std::optional<Probe> read_probe(FieldReader& r, const YAML::Node& node, const std::string& path) {
  int kinds = 0;
  for_each_probe_kind([&]<class Kind>(std::type_identity<Kind>) {
    kinds += int(node[Kind::k_key].IsDefined());
    return false;
  });
  if (kinds != 1) {
    r.error(node, path, "set exactly one probe: " + probe_choices());
    return std::nullopt;
  }
  std::optional<Probe> probe;
  for_each_probe_kind([&]<class Kind>(std::type_identity<Kind> kind) {
    const YAML::Node fields = node[Kind::k_key];
    if (!fields.IsDefined()) return false;
    const std::string p = join_path(path, Kind::k_key);
    if (!r.expect_map(fields, p)) return true;
    if (auto read = read_kind(kind, r, fields, p)) probe = Probe{*read};
    return true;
  });
  return probe;
}

/// The keys a health section may have: one a probe kind, then the gate's timing.
std::vector<std::string_view> health_keys() {
  std::vector<std::string_view> keys;
  for_each_probe_kind([&]<class Kind>(std::type_identity<Kind>) {
    keys.emplace_back(Kind::k_key);
    return false;
  });
  keys.insert(keys.end(),
              {"timeout", "interval", "deadline", "initialDelay", "successes", "failureThreshold"});
  return keys;
}

}  // namespace

std::optional<HealthSpec> read_health(FieldReader& r,
                                      const YAML::Node& node,
                                      const std::string& path) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(node, path, health_keys());
  auto probe = read_probe(r, node, path);
  HealthSpec health;
  bool ok = probe.has_value();
  auto read_duration = [&](const char* key, Millis& out) {
    if (!node[key].IsDefined()) return;
    auto value = r.duration(node, path, key, Need::optional);
    ok = ok && value.has_value();
    if (value) out = *value;
  };
  read_duration("timeout", health.timeout);
  read_duration("interval", health.interval);
  read_duration("deadline", health.deadline);
  read_duration("initialDelay", health.initial_delay);
  if (node["successes"].IsDefined()) {
    auto successes = r.integer(node, path, "successes", Need::optional, 1, 1000);
    ok = ok && successes.has_value();
    if (successes) health.successes = static_cast<int>(*successes);
  }
  if (node["failureThreshold"].IsDefined()) {
    auto threshold = r.integer(node, path, "failureThreshold", Need::optional, 1, 1000);
    ok = ok && threshold.has_value();
    if (threshold) health.failure_threshold = static_cast<int>(*threshold);
  }
  if (!ok) return std::nullopt;
  health.probe = *probe;
  return health;
}

}  // namespace tether
