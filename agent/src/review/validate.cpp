#include "review/validate.hpp"

#include "manifest/documents.hpp"
#include "manifest/field_checks.hpp"
#include "manifest/state_loader.hpp"
#include "review/validate_context.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>

namespace tether::review {
namespace {

using namespace validate_detail;

enum class FileRole { service, host, other };

/// What the agent does with `path`: reads it as a Service or Host (direct *.yaml/*.yml children
/// of services/ and hosts/), or not (config files, and anything else it ignores).
FileRole role_of(const std::string& path, std::string& stem) {
  for (const auto& [dir, role] :
       {std::pair{"services/", FileRole::service}, std::pair{"hosts/", FileRole::host}}) {
    const std::string prefix = dir;
    if (path.rfind(prefix, 0) != 0) continue;
    const std::string rest = path.substr(prefix.size());
    const std::filesystem::path name(rest);
    if (rest.find('/') != std::string::npos ||
        (name.extension() != ".yaml" && name.extension() != ".yml")) {
      return FileRole::other;
    }
    stem = name.stem().string();
    return role;
  }
  return FileRole::other;
}

/// Files in services/ and hosts/ that the agent skips: usually a typo'd extension or a
/// manifest one directory too deep.
void warn_ignored(const StateSnapshot& snapshot, Collector& out) {
  for (const auto& [path, content] : snapshot.files) {
    std::string stem;
    if (role_of(path, stem) != FileRole::other) continue;
    const std::string dir = path.substr(0, path.find('/') + 1);
    if (dir != "services/" && dir != "hosts/") continue;
    // Dotfiles (.gitkeep keeping an empty dir in Git, editor files) are never manifests.
    if (std::filesystem::path(path).filename().string().starts_with(".")) continue;
    out.add(Finding{
        Severity::warning,
        path,
        0,
        "<root>",
        "ignored: the agent reads only " + dir + "*.yaml and " + dir +
            "*.yml, not subdirectories or other extensions",
        "rename it to " + dir + "<name>.yaml if it is a manifest, else move it out of " + dir});
  }
}

/// A manifest's metadata.name, for the checks across files.
struct Declared {
  std::string path;
  std::string stem;
  std::string name;  ///< "" when missing or invalid (the parser reports it)
};

/// Each name is declared by one file, the one named after it: a second file with the same
/// name (web.yaml and web.yml) is an error, and so is a name that is not the file's.
void check_names(const std::vector<Declared>& files, const char* dir, Collector& out) {
  std::map<std::string, std::string> owner;  // name -> the file named after it
  for (const Declared& file : files) {
    if (file.name.empty() || file.name != file.stem) continue;
    const auto [first, inserted] = owner.emplace(file.name, file.path);
    if (inserted) continue;
    out.add(Severity::error,
            file.path,
            "metadata.name",
            "\"" + file.name + "\" is declared twice: " + first->second + " declares it too",
            "keep one file per name: delete or rename one of them");
  }
  for (const Declared& file : files) {
    if (file.name.empty() || file.name == file.stem) continue;
    std::string message = "\"" + file.name + "\" does not match the file name " + file.path;
    if (const auto it = owner.find(file.name); it != owner.end()) {
      message += "; " + it->second + " declares \"" + file.name + "\" too";
    }
    out.add(Severity::error,
            file.path,
            "metadata.name",
            std::move(message),
            "rename the file to " + std::string(dir) + file.name + ".yaml or fix metadata.name");
  }
}

std::string valid_name(const YAML::Node& root,
                       const std::function<std::string(const std::string&)>& check) {
  const YAML::Node name = child(child(root, "metadata"), "name");
  if (!name.IsScalar() || !check(name.Scalar()).empty()) return "";
  return name.Scalar();
}

/// The override names whose fields the parser reported problems in.
std::set<std::string> overrides_with_problems(const Diagnostics& diagnostics) {
  const std::string prefix = "spec.overrides.";
  std::set<std::string> names;
  for (const Diagnostic& d : diagnostics.items()) {
    if (d.field.rfind(prefix, 0) != 0) continue;
    const size_t end = d.field.find_first_of(".[", prefix.size());
    names.insert(
        d.field.substr(prefix.size(), end == std::string::npos ? end : end - prefix.size()));
  }
  return names;
}

HostInfo read_host(const std::string& path,
                   const std::string& stem,
                   const std::string& text,
                   Collector& out) {
  Diagnostics diagnostics;
  (void)parse_host(path, text, diagnostics);
  out.add_parser(diagnostics);
  HostInfo host{path, stem, load_map(text), "", {}, {}, {}};
  host.name = valid_name(host.root, checks::host_name);
  const YAML::Node spec = child(host.root, "spec");
  host.labels = string_map(child(spec, "labels")).value_or(StringMap{});
  host.bad_overrides = overrides_with_problems(diagnostics);
  const YAML::Node overrides = child(spec, "overrides");
  if (overrides.IsMap()) {
    for (const auto& entry : overrides) {
      if (!entry.first.IsScalar() || !checks::service_name(entry.first.Scalar()).empty()) continue;
      host.overrides.emplace(entry.first.Scalar(), entry.second);
    }
  }
  return host;
}

/// An image that the agent resolves when it applies (allowFloatingTag) is worth a warning:
/// hosts may end up on different images.
void warn_floating(const ServiceInfo& service, Collector& out) {
  const YAML::Node spec = child(service.root, "spec");
  const YAML::Node floating = child(spec, "allowFloatingTag");
  const YAML::Node image = child(child(spec, "container"), "image");
  if (!floating.IsScalar() || (floating.Scalar() != "true" && floating.Scalar() != "True")) return;
  if (!image.IsScalar() || image.Scalar().find('@') != std::string::npos) return;
  out.add(Severity::warning,
          service.path,
          "spec.container.image",
          "\"" + image.Scalar() +
              "\" is a tag without a digest: each agent resolves it when it applies, so hosts "
              "may run different images, and a rollback can only return to a recorded digest",
          "pin it: NAME[:TAG]@sha256:<64 hex> (`podman image inspect --format '{{.Digest}}' "
          "IMAGE`)");
}

ServiceInfo read_service(const std::string& path,
                         const std::string& stem,
                         const std::string& text,
                         const StateSnapshot& snapshot,
                         Collector& out) {
  Diagnostics diagnostics;
  ServiceInfo service{path, stem, false, load_map(text), "", {}};
  service.parsed = parse_service(path, text, diagnostics).has_value();
  out.add_parser(diagnostics);
  service.name = valid_name(service.root, checks::service_name);
  const YAML::Node spec = child(service.root, "spec");
  service.selector = string_map(child(spec, "selector")).value_or(StringMap{});
  check_config(spec, path, "spec", snapshot, out);
  if (service.parsed) warn_floating(service, out);
  return service;
}

/// What the agent itself would refuse, for each known host and a host without a file: a net
/// under the checks above, consulted only when they found nothing.
void cross_check_with_agent(const StateSnapshot& snapshot,
                            const std::vector<HostInfo>& hosts,
                            Collector& out) {
  if (out.has_errors()) return;
  std::vector<HostIdentity> identities{HostIdentity{"tether-validate", {}}};
  for (const HostInfo& host : hosts) identities.push_back(HostIdentity{host.stem, host.labels});
  for (const HostIdentity& identity : identities) {
    Diagnostics diagnostics;
    if (!load_desired(snapshot, identity, diagnostics)) out.add_parser(diagnostics);
  }
}

}  // namespace

int ValidationReport::count(Severity severity) const {
  return static_cast<int>(std::count_if(
      findings.begin(), findings.end(), [&](const Finding& f) { return f.severity == severity; }));
}

ValidationReport validate_snapshot(const StateSnapshot& snapshot, const ValidateOptions& options) {
  Collector out(snapshot);
  warn_ignored(snapshot, out);
  std::vector<HostInfo> hosts;
  std::vector<ServiceInfo> services;
  for (const auto& [path, text] : snapshot.files) {
    std::string stem;
    if (role_of(path, stem) == FileRole::host) {
      hosts.push_back(read_host(path, stem, text, out));
    }
  }
  for (const auto& [path, text] : snapshot.files) {
    std::string stem;
    if (role_of(path, stem) == FileRole::service) {
      services.push_back(read_service(path, stem, text, snapshot, out));
    }
  }
  if (services.empty()) {
    out.add(Finding{Severity::warning,
                    "services/",
                    0,
                    "<root>",
                    "no services/*.yaml at this commit: the repo declares no services",
                    "add one Service per file as services/<name>.yaml"});
  }
  std::vector<Declared> host_names;
  for (const HostInfo& h : hosts) host_names.push_back(Declared{h.path, h.stem, h.name});
  check_names(host_names, "hosts/", out);
  std::vector<Declared> service_names;
  for (const ServiceInfo& s : services) service_names.push_back(Declared{s.path, s.stem, s.name});
  check_names(service_names, "services/", out);
  check_overrides(hosts, services, snapshot, out);
  check_selectors(services, hosts, options.selectors, out);
  check_secrets(snapshot, hosts, services, out);
  cross_check_with_agent(snapshot, hosts, out);

  ValidationReport report;
  report.commit = snapshot.commit;
  report.services = static_cast<int>(services.size());
  report.hosts = static_cast<int>(hosts.size());
  report.findings = out.take();
  return report;
}

}  // namespace tether::review
