// The checks of `tether validate` that span files: config sources, host overrides, selectors.
#include "manifest/documents.hpp"
#include "manifest/field_checks.hpp"
#include "manifest/host_resolver.hpp"
#include "manifest/state_loader.hpp"
#include "manifest/yaml_guard.hpp"
#include "review/validate_context.hpp"

#include <algorithm>
#include <tuple>

namespace tether::review::validate_detail {
namespace {

std::string join_labels(const StringMap& labels) {
  std::string out;
  for (const auto& [key, value] : labels) out += (out.empty() ? "" : ", ") + key + ": " + value;
  return "{" + out + "}";
}

/// A diagnostic of a service parsed with a host's override, moved to the host file: the service
/// alone and the override alone were valid, so the override is what to change.
Finding moved_to_host(const Diagnostic& d,
                      const HostInfo& host,
                      const std::string& service,
                      const YAML::Node& override_node,
                      const Collector& out) {
  std::string rest = d.field.rfind("spec.", 0) == 0 ? d.field.substr(5) : "";
  const std::string top = rest.substr(0, rest.find_first_of(".["));
  std::string field = "spec.overrides." + service;
  if (!top.empty() && override_node[top].IsDefined()) field += "." + rest;
  return Finding{Severity::error,
                 host.path,
                 out.line_of(host.path, field),
                 field,
                 d.message + " (once merged into " + d.file + ")",
                 fix_hint(d.field, d.message)};
}

void check_override(const HostInfo& host,
                    const std::string& name,
                    const YAML::Node& node,
                    const std::vector<ServiceInfo>& services,
                    const StateSnapshot& snapshot,
                    Collector& out) {
  const auto service = std::find_if(
      services.begin(), services.end(), [&](const ServiceInfo& s) { return s.stem == name; });
  if (service == services.end()) {
    out.add(Severity::error,
            host.path,
            "spec.overrides." + name,
            "no service named \"" + name + "\" in services/",
            "remove the override or add services/" + name + ".yaml");
    return;
  }
  if (!node.IsMap()) return;  // the parser has said so
  check_config(node, host.path, "spec.overrides." + name, snapshot, out);
  if (!service->parsed || host.bad_overrides.count(name) != 0) return;
  Diagnostics merged;
  (void)parse_service(service->path, snapshot.files.at(service->path), merged, &node);
  for (const Diagnostic& d : merged.items()) out.add(moved_to_host(d, host, name, node, out));
}

}  // namespace

YAML::Node load_map(const std::string& text) {
  if (yaml_guard(text)) return YAML::Node(YAML::NodeType::Undefined);
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() == 1 && documents[0].IsMap()) return documents[0];
  } catch (const YAML::Exception&) {
    // the parser reports it
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node child(const YAML::Node& map, const char* key) {
  // A missing key of a const node is an invalid node that throws on most calls: replace it.
  if (!map.IsDefined() || !map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node node = map[key];
  return node.IsDefined() ? node : YAML::Node(YAML::NodeType::Undefined);
}

std::optional<StringMap> string_map(const YAML::Node& node) {
  if (!node.IsMap()) return std::nullopt;
  StringMap out;
  for (const auto& entry : node) {
    if (!entry.first.IsScalar() || !entry.second.IsScalar()) return std::nullopt;
    out[entry.first.Scalar()] = entry.second.Scalar();
  }
  return out;
}

void check_config(const YAML::Node& spec,
                  const std::string& file,
                  const std::string& prefix,
                  const StateSnapshot& snapshot,
                  Collector& out) {
  const YAML::Node config = child(spec, "config");
  if (!config.IsSequence()) return;
  std::map<std::string, size_t> targets;
  for (size_t i = 0; i < config.size(); ++i) {
    const std::string item = prefix + ".config[" + std::to_string(i) + "]";
    const YAML::Node source = child(config[i], "source");
    const YAML::Node target = child(config[i], "target");
    if (source.IsScalar() && checks::config_source(source.Scalar()).empty() &&
        snapshot.files.count(source.Scalar()) == 0) {
      out.add(Severity::error,
              file,
              item + ".source",
              config_source_problem(snapshot, source.Scalar()),
              "commit the file (under config/, paths from the repo root) or fix the path");
    }
    if (!target.IsScalar() || !checks::config_target(target.Scalar()).empty()) continue;
    const auto [first, inserted] = targets.emplace(target.Scalar(), i);
    if (inserted) continue;
    out.add(Severity::error,
            file,
            item + ".target",
            "\"" + target.Scalar() + "\" is also the target of " + prefix + ".config[" +
                std::to_string(first->second) + "]",
            "give each config entry its own target");
  }
}

void check_overrides(const std::vector<HostInfo>& hosts,
                     const std::vector<ServiceInfo>& services,
                     const StateSnapshot& snapshot,
                     Collector& out) {
  for (const HostInfo& host : hosts) {
    for (const auto& [name, node] : host.overrides) {
      check_override(host, name, node, services, snapshot, out);
    }
  }
}

void check_selectors(const std::vector<ServiceInfo>& services,
                     const std::vector<HostInfo>& hosts,
                     SelectorPolicy policy,
                     Collector& out) {
  const Severity severity = policy == SelectorPolicy::strict ? Severity::error : Severity::warning;
  for (const ServiceInfo& service : services) {
    if (service.selector.empty()) continue;
    const bool matched = std::any_of(hosts.begin(), hosts.end(), [&](const HostInfo& host) {
      return selector_matches(service.selector, host.labels);
    });
    if (matched) continue;
    const std::string known =
        hosts.empty() ? "there are no hosts/*.yaml"
                      : "none of the " + std::to_string(hosts.size()) + " hosts in hosts/ has them";
    out.add(severity,
            service.path,
            "spec.selector",
            "selects hosts labelled " + join_labels(service.selector) + ", but " + known,
            "fix the selector or add hosts/<id>.yaml with these labels; hosts labelled only in "
            "their agent.yaml are not known here (--strict makes this an error)");
  }
}

int Collector::line_of(const std::string& file, const std::string& field) const {
  const auto it = m_snapshot.files.find(file);
  return it == m_snapshot.files.end() ? 0 : locate_field_line(it->second, field);
}

void Collector::add_parser(const Diagnostics& diagnostics) {
  for (const Diagnostic& d : diagnostics.items()) {
    int line = d.line;
    std::string where = d.field;
    // For release+container the parser points at the spec's first field; point at the second
    // workload key instead (or at `spec:` when neither is there).
    if (d.message.rfind("set exactly one of spec.release", 0) == 0) where = "spec.container";
    if (line == 0 || where != d.field) {
      if (const int located = line_of(d.file, where); located > 0) line = located;
    }
    m_findings.push_back(
        Finding{Severity::error, d.file, line, d.field, d.message, fix_hint(d.field, d.message)});
  }
}

void Collector::add(Severity severity,
                    const std::string& file,
                    const std::string& field,
                    std::string message,
                    std::string hint) {
  m_findings.push_back(
      Finding{severity, file, line_of(file, field), field, std::move(message), std::move(hint)});
}

bool Collector::has_errors() const {
  return std::any_of(m_findings.begin(), m_findings.end(), [](const Finding& f) {
    return f.severity == Severity::error;
  });
}

std::vector<Finding> Collector::take() {
  auto key = [](const Finding& f) {
    return std::tie(f.file, f.line, f.field, f.severity, f.message, f.hint);
  };
  std::sort(m_findings.begin(), m_findings.end(), [&](const Finding& a, const Finding& b) {
    return key(a) < key(b);
  });
  m_findings.erase(std::unique(m_findings.begin(), m_findings.end()), m_findings.end());
  return std::move(m_findings);
}

}  // namespace tether::review::validate_detail
