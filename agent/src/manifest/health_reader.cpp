#include "manifest/health_reader.hpp"

#include "manifest/field_checks.hpp"

#include <vector>

namespace tether {
namespace {

Need need_of(FieldPresence presence) {
  return presence == FieldPresence::required ? Need::required : Need::optional;
}

StringCheck check_of(TextFormat format) {
  switch (format) {
    case TextFormat::any:
      return {};
    case TextFormat::http_url:
      return checks::http_url;
    case TextFormat::host_port:
      return checks::host_port;
  }
  return {};
}

// One reader a kind of field: its value when the map at `p` sets it (and sets it well).

template <class Kind>
std::optional<std::string> read_value(FieldReader& r,
                                      const YAML::Node& map,
                                      const std::string& p,
                                      const TextField<Kind>& field) {
  return r.string(map, p, field.key, need_of(field.presence), check_of(field.format));
}

template <class Kind>
std::optional<long long> read_value(FieldReader& r,
                                    const YAML::Node& map,
                                    const std::string& p,
                                    const IntField<Kind>& field) {
  return r.integer(map, p, field.key, need_of(field.presence), field.min, field.max);
}

template <class Kind>
std::optional<std::vector<std::string>> read_value(FieldReader& r,
                                                   const YAML::Node& map,
                                                   const std::string& p,
                                                   const ListField<Kind>& field) {
  return r.string_list(map, p, field.key, need_of(field.presence), true);
}

/// The field's value into `kind`; false when it is set wrongly or a required one is missing
/// (the FieldReader recorded the error).
template <class Kind, class Field>
bool read_field(
    FieldReader& r, const YAML::Node& map, const std::string& p, const Field& field, Kind& kind) {
  auto value = read_value(r, map, p, field);
  using Member = std::remove_cvref_t<decltype(kind.*field.member)>;
  if (value) kind.*field.member = static_cast<Member>(*value);
  return value || (field.presence == FieldPresence::optional && !map[field.key].IsDefined());
}

/// The probe of kind `Kind` from the map under `health.<kind>` at `p` (read_probe found it and
/// checked it is a map): its fields as `Kind::k_fields` describes them, every error recorded.
template <class Kind>
std::optional<Kind> read_kind(FieldReader& r, const YAML::Node& map, const std::string& p) {
  std::vector<std::string_view> keys;
  for_each_field<Kind>([&](const auto& field) { keys.emplace_back(field.key); });
  r.reject_unknown_keys(map, p, keys);
  Kind kind;
  bool ok = true;
  for_each_field<Kind>([&](const auto& field) { ok = read_field(r, map, p, field, kind) && ok; });
  if (!ok) return std::nullopt;
  return kind;
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
  for_each_probe_kind([&]<class Kind>(std::type_identity<Kind>) {
    const YAML::Node fields = node[Kind::k_key];
    if (!fields.IsDefined()) return false;
    const std::string p = join_path(path, Kind::k_key);
    if (!r.expect_map(fields, p)) return true;
    if (auto read = read_kind<Kind>(r, fields, p)) probe = Probe{*read};
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
