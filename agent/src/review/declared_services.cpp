#include "review/declared_services.hpp"

#include "core/duration.hpp"
#include "core/overloaded.hpp"
#include "manifest/documents.hpp"
#include "manifest/host_resolver.hpp"
#include "model/image_ref.hpp"
#include "model/rollout.hpp"

namespace tether::review {
namespace {

/// spec.switch in a few words when it is not the default restart: "blue-green behind nginx".
std::string switch_text(const Service& service) {
  const SwitchSpec& spec = service.switch_spec;
  if (spec.strategy == SwitchStrategyKind::restart) return "";
  std::string text = strategy_name(spec.strategy);
  if (spec.blue_green) {
    text += std::visit(Overloaded{[](const HaproxyTarget&) { return " behind haproxy"; },
                                  [](const NginxTarget&) { return " behind nginx"; }},
                       spec.blue_green->proxy);
  }
  return text;
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
    const ImageRef ref = parse_image_ref(container->image);
    view.version = ref.tag;
    view.digest = ref.digest;
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
  auto resolved = resolve_host(snapshot, host, diagnostics);
  if (!resolved) return std::nullopt;
  HostDeclaration out;
  out.labels = resolved->labels;
  for (const auto& [name, service] : resolved->services) {
    const DesiredService& desired = service.desired;
    DeclaredService declared;
    declared.release = release_view(desired.service, desired.release.config_hash);
    declared.rollout = Rollout{service.percent, service.bucket, service.included};
    if (const auto& steps = desired.service.rollout_steps; !steps.empty()) {
      // The time the waves count from does not matter here: only the offsets.
      const WaveStatus wave = wave_status(service.bucket, steps, {}, {}, {});
      declared.rollout.wave = wave.wave + 1;
      declared.rollout.waves = wave.waves;
      declared.rollout.percent = wave.percent;
      declared.rollout.due_after =
          std::chrono::duration_cast<Millis>(wave.due_at.time_since_epoch());
    }
    declared.runtime = runtime_spec_of(desired.service, desired.release);
    declared.fingerprint = desired.fingerprint;
    if (const auto& analysis = desired.service.analysis) {
      declared.analysis = "bake " + format_duration(analysis->bake) + ", " +
                          std::to_string(analysis->queries.size()) +
                          (analysis->queries.size() == 1 ? " query" : " queries");
    }
    declared.switch_strategy = switch_text(desired.service);
    out.services.emplace(name, std::move(declared));
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
