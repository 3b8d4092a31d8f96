#include "review/declared_services.hpp"

#include "manifest/config_hash.hpp"
#include "manifest/documents.hpp"

#include <filesystem>

namespace tether::review {
namespace {

/// Direct children of `dir` ending in .yaml or .yml -> their stem (as the agent reads them).
std::map<std::string, std::string> yaml_files_in(const StateSnapshot& snapshot,
                                                 const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& [path, content] : snapshot.files) {
    if (path.rfind(dir, 0) != 0) continue;
    const std::string rest = path.substr(dir.size());
    if (rest.find('/') != std::string::npos) continue;
    const std::filesystem::path p(rest);
    if (p.extension() == ".yaml" || p.extension() == ".yml") out.emplace(path, p.stem().string());
  }
  return out;
}

bool selector_matches(const StringMap& selector, const StringMap& labels) {
  for (const auto& [key, value] : selector) {
    const auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

std::optional<HostFile> host_file_of(const StateSnapshot& snapshot, const std::string& id) {
  for (const auto& [path, stem] : yaml_files_in(snapshot, "hosts/")) {
    if (stem != id) continue;
    Diagnostics ignored;  // load_desired has validated it already
    return parse_host(path, snapshot.files.at(path), ignored);
  }
  return std::nullopt;
}

/// Config sources missing at this commit are left out: the agent checks them only for hosts
/// that take the release, and load_desired has done that.
std::string config_hash_of(const Service& service, const StateSnapshot& snapshot) {
  std::map<std::string, std::string> files;
  for (const ConfigFile& file : service.config) {
    if (const auto it = snapshot.files.find(file.source); it != snapshot.files.end()) {
      files.emplace(file.target, it->second);
    }
  }
  return config_hash(files);
}

/// The declaration without what release_view() and Rollout already compare.
Service settings_of(Service service) {
  service.rollout_percent = 100;
  if (auto* release = std::get_if<ReleaseSpec>(&service.workload)) {
    *release = ReleaseSpec{{}, {}, {}, {release->binary.path, {}}};
  } else if (auto* container = std::get_if<ContainerSpec>(&service.workload)) {
    container->image.clear();
  }
  return service;
}

/// "registry/web:1.2@sha256:..." -> tag "1.2", digest "sha256:...".
void split_image(const std::string& image, std::string& tag, std::string& digest) {
  const size_t at = image.find('@');
  digest = at == std::string::npos ? "" : image.substr(at + 1);
  const std::string name = image.substr(0, at);
  const size_t colon = name.rfind(':');
  const size_t slash = name.rfind('/');
  const bool has_tag = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  tag = has_tag ? name.substr(colon + 1) : "";
}

}  // namespace

ReleaseView release_view(const Service& service, const std::string& config_hash) {
  ReleaseView view;
  view.config_hash = config_hash;
  if (const ReleaseSpec* release = service.release()) {
    view.kind = ReleaseKind::binary;
    view.version = release->version;
    view.commit = release->commit;
    view.binary_sha256 = release->binary.sha256;
    view.artifact_sha256 = release->artifact.sha256;
  } else if (const auto* container = std::get_if<ContainerSpec>(&service.workload)) {
    view.kind = ReleaseKind::container;
    view.image = container->image;
    split_image(container->image, view.version, view.digest);
  }
  return view;
}

std::map<std::string, StringMap> hosts_declared(const StateSnapshot& snapshot) {
  std::map<std::string, StringMap> hosts;
  for (const auto& [path, stem] : yaml_files_in(snapshot, "hosts/")) {
    Diagnostics ignored;
    if (auto parsed = parse_host(path, snapshot.files.at(path), ignored)) {
      hosts.emplace(stem, parsed->host.labels);
    }
  }
  return hosts;
}

std::optional<HostDeclaration> declared_for(const StateSnapshot& snapshot,
                                            const HostIdentity& host,
                                            Diagnostics& diagnostics) {
  if (!load_desired(snapshot, host, diagnostics)) return std::nullopt;
  const std::optional<HostFile> host_file = host_file_of(snapshot, host.id);
  HostDeclaration out;
  out.labels = host.labels;
  if (host_file) {
    for (const auto& [key, value] : host_file->host.labels) out.labels[key] = value;
  }
  for (const auto& [path, stem] : yaml_files_in(snapshot, "services/")) {
    const YAML::Node* overrides = nullptr;
    if (host_file) {
      const auto it = host_file->overrides.find(stem);
      if (it != host_file->overrides.end()) overrides = &it->second;
    }
    Diagnostics ignored;  // load_desired has reported every problem already
    const auto service = parse_service(path, snapshot.files.at(path), ignored, overrides);
    if (!service || !selector_matches(service->selector, out.labels)) continue;
    DeclaredService declared;
    declared.release = release_view(*service, config_hash_of(*service, snapshot));
    declared.rollout.percent = service->rollout_percent;
    declared.rollout.bucket = rollout_bucket(host.id, service->name);
    declared.rollout.included = in_rollout(service->name, host.id, service->rollout_percent);
    declared.settings = settings_of(*service);
    out.services.emplace(service->name, std::move(declared));
  }
  return out;
}

DeclaredHistory history_of(const std::vector<HistoricBlob>& blobs) {
  DeclaredHistory history;
  for (const HistoricBlob& blob : blobs) {
    Diagnostics ignored;
    const auto service = parse_service(blob.path, blob.content, ignored);
    if (!service) continue;
    const std::string identity = release_view(*service, "").identity();
    auto [it, inserted] = history[blob.service].try_emplace(identity, blob.declared);
    if (!inserted && blob.declared.age > it->second.age) it->second = blob.declared;
  }
  return history;
}

}  // namespace tether::review
