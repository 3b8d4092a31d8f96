#include "manifest/state_loader.hpp"

#include "core/sha256.hpp"
#include "manifest/host_resolver.hpp"

namespace tether {

std::string config_source_problem(const StateSnapshot& snapshot, const std::string& source) {
  if (snapshot.files.count(source) != 0) return "";
  if (snapshot.symlinks.count(source) != 0) {
    return "\"" + source +
           "\" is a symlink in the state repo; tether reads only regular files (a link could "
           "point anywhere once placed): commit the file's content at that path instead";
  }
  return "\"" + source + "\" is not in the state repo at this commit; add the file or fix the path";
}

int rollout_bucket(const std::string& host_id, const std::string& service) {
  // The first 8 bytes of SHA-256("<host id>/<service>") as a big-endian integer, mod 100:
  // stable per host and service, so the same hosts stay in while the percentage grows.
  const std::string digest = Sha256::of(host_id + "/" + service);
  return static_cast<int>(std::stoull(digest.substr(0, 16), nullptr, 16) % 100);
}

bool in_rollout(const std::string& service, const std::string& host_id, int percent) {
  return percent >= 100 || rollout_bucket(host_id, service) < percent;
}

std::optional<Desired> load_desired(const StateSnapshot& snapshot,
                                    const HostIdentity& host,
                                    Diagnostics& diagnostics,
                                    ManifestCache* cache) {
  auto resolved = resolve_host(snapshot, host, diagnostics, cache);
  if (!resolved) return std::nullopt;
  return desired_of(std::move(*resolved), snapshot.commit);
}

}  // namespace tether
