#include "manifest/state_loader.hpp"

#include "core/sha256.hpp"
#include "manifest/host_resolver.hpp"

namespace tether {

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
                                    Diagnostics& diagnostics) {
  auto resolved = resolve_host(snapshot, host, diagnostics);
  if (!resolved) return std::nullopt;
  return desired_of(*resolved, snapshot.commit);
}

}  // namespace tether
