#include "manifest/host_resolver.hpp"

#include "core/sha256.hpp"
#include "manifest/config_encryption.hpp"
#include "manifest/config_hash.hpp"
#include "manifest/dependency_check.hpp"
#include "manifest/documents.hpp"
#include "manifest/fingerprint.hpp"
#include "manifest/manifest_cache.hpp"
#include "model/image_ref.hpp"

#include <filesystem>
#include <set>

namespace tether {
namespace {

/// The Host file for this agent, if the repo has one; also checks every host file.
std::optional<HostFile> load_hosts(const StateSnapshot& snapshot,
                                   const HostIdentity& host,
                                   ManifestCache* cache,
                                   Diagnostics& diagnostics) {
  std::optional<HostFile> mine;
  for (const auto& [path, stem] : yaml_files_in(snapshot, "hosts/")) {
    auto parsed = cache != nullptr ? cache->host(snapshot, path, diagnostics)
                                   : parse_host(path, snapshot.files.at(path), diagnostics);
    if (!parsed) continue;
    if (parsed->host.name != stem) {
      diagnostics.add({path,
                       0,
                       "metadata.name",
                       "\"" + parsed->host.name +
                           "\" does not match the file name; rename "
                           "the file to hosts/" +
                           parsed->host.name + ".yaml or fix the name"});
    }
    if (stem == host.id) mine = std::move(parsed);
  }
  return mine;
}

enum class MissingConfig { error, skip };

std::optional<DesiredService> resolve_service(const std::string& path,
                                              const Service& service,
                                              const std::string& declaration,
                                              const StateSnapshot& snapshot,
                                              MissingConfig missing,
                                              Diagnostics& diagnostics) {
  DesiredService desired{service, {}, {}, {}, {}};
  bool ok = true;
  for (size_t i = 0; i < service.config.size(); ++i) {
    const ConfigFile& file = service.config[i];
    const auto it = snapshot.files.find(file.source);
    if (it == snapshot.files.end()) {
      if (missing == MissingConfig::skip) continue;
      diagnostics.add({path,
                       0,
                       "spec.config[" + std::to_string(i) + "].source",
                       config_source_problem(snapshot, file.source)});
      ok = false;
      continue;
    }
    if (file.encryption != ConfigEncryption::none) {
      // secrets (#23): a plaintext file where the manifest says encrypted is refused before
      // any host could place it.
      if (std::string problem = encrypted_content_problem(file.source, it->second);
          !problem.empty()) {
        diagnostics.add(
            {path, 0, "spec.config[" + std::to_string(i) + "].source", std::move(problem)});
        ok = false;
        continue;
      }
    }
    if (!desired.config_files.emplace(file.target, it->second).second) {
      diagnostics.add({path,
                       0,
                       "spec.config[" + std::to_string(i) + "].target",
                       "\"" + file.target + "\" is the target of two config entries"});
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  std::map<std::string, std::string> digests;
  for (const auto& [target, content] : desired.config_files)
    digests.emplace(target, Sha256::of(content));
  desired.release.config_hash = config_hash_with_shared(digests, service.shared);
  desired.spec_digest = Sha256::of(declaration + '\0' + desired.release.config_hash);
  if (const ReleaseSpec* release = service.release()) {
    desired.release.version = release->version;
    desired.release.commit = release->commit;
    desired.release.binary_sha256 = release->binary.sha256;
  } else if (const ContainerSpec* container = service.container()) {
    desired.release = container_release_id(container->image, desired.release.config_hash);
  }
  desired.fingerprint = fingerprint_of(runtime_spec_of(service, desired.release));
  return desired;
}

}  // namespace

std::map<std::string, std::string> yaml_files_in(const StateSnapshot& snapshot,
                                                 const std::string& dir) {
  std::map<std::string, std::string> out;  // path -> stem
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

std::optional<ResolvedHost> resolve_host(const StateSnapshot& snapshot,
                                         const HostIdentity& host,
                                         Diagnostics& diagnostics,
                                         ManifestCache* cache) {
  const size_t errors_before = diagnostics.size();
  auto host_file = load_hosts(snapshot, host, cache, diagnostics);
  ResolvedHost resolved;
  // The agent's own labels, with the repo's hosts/<id>.yaml winning for the labels it sets:
  // the repo is the source of truth, the agent config only seeds a new host.
  resolved.labels = host.labels;
  if (host_file) {
    for (const auto& [key, value] : host_file->host.labels) resolved.labels[key] = value;
    resolved.allow_removing_all = host_file->host.allow_removing_all;
    if (host_file->host.suspend) {
      resolved.suspend = Suspension{*host_file->host.suspend, "hosts/" + host.id + ".yaml", "", ""};
    }
  }
  std::set<std::string> declared;
  DependencyScope scope{{}, {}, host.id};
  for (const auto& [path, stem] : yaml_files_in(snapshot, "services/")) {
    const std::string& text = snapshot.files.at(path);
    auto service = cache != nullptr ? cache->service(snapshot, path, diagnostics)
                                    : parse_service(path, text, diagnostics);
    if (!service) continue;
    if (service->name != stem) {
      diagnostics.add({path,
                       0,
                       "metadata.name",
                       "\"" + service->name +
                           "\" does not match the file name; rename the "
                           "file to services/" +
                           service->name + ".yaml or fix the name"});
      continue;
    }
    declared.insert(service->name);
    scope.files.emplace(service->name, path);
    std::string declaration = text;
    if (host_file && host_file->overrides.count(service->name) != 0) {
      const YAML::Node& overrides = host_file->overrides.at(service->name);
      const std::string where = path + " (with overrides from hosts/" + host.id + ".yaml)";
      service = parse_service(where, text, diagnostics, &overrides);
      if (!service) continue;
      declaration += "\n# overrides\n" + YAML::Dump(overrides);
    }
    if (!selector_matches(service->selector, resolved.labels)) continue;
    scope.selected.insert(service->name);
    const bool included = in_rollout(service->name, host.id, service->rollout_percent);
    auto desired = resolve_service(path,
                                   *service,
                                   declaration,
                                   snapshot,
                                   included ? MissingConfig::error : MissingConfig::skip,
                                   diagnostics);
    if (!desired) continue;
    const int percent = service->rollout_percent;
    resolved.services.emplace(
        service->name,
        ResolvedService{
            std::move(*desired), percent, rollout_bucket(host.id, service->name), included, path});
  }
  if (host_file) {
    for (const auto& [name, node] : host_file->overrides) {
      if (declared.count(name) != 0) continue;
      diagnostics.add({"hosts/" + host.id + ".yaml",
                       node.Mark().line + 1,
                       "spec.overrides." + name,
                       "no service named \"" + name +
                           "\" in services/; remove the override or add the service"});
    }
  }
  if (cache != nullptr) cache->retain_used();
  // Only once every manifest read cleanly: a service refused above would look unknown here.
  if (diagnostics.size() == errors_before) {
    check_dependencies(desired_of(resolved, snapshot.commit).services, scope, diagnostics);
  }
  if (diagnostics.size() != errors_before) return std::nullopt;
  return resolved;
}

Desired desired_of(const ResolvedHost& host, const std::string& state_commit) {
  return desired_of(ResolvedHost(host), state_commit);
}

Desired desired_of(ResolvedHost&& host, const std::string& state_commit) {
  Desired desired;
  desired.state_commit = state_commit;
  desired.host_labels = host.labels;
  desired.allow_removing_all = host.allow_removing_all;
  desired.host_suspend = host.suspend;
  for (auto& [name, service] : host.services) {
    if (service.included) {
      const Service& declared = service.desired.service;
      if (!declared.rollout_steps.empty()) {
        desired.waves.emplace(
            name,
            WavedService{service.bucket,
                         declared.rollout_steps,
                         declared.rollout_analysis,
                         service.path,
                         {},
                         ""});  // the start: set by the agent from the repo's history
      }
      desired.services.emplace(name, std::move(service.desired));
    } else {
      desired.held_back.insert(name);
    }
  }
  return desired;
}

}  // namespace tether
