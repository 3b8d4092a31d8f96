#include "live/live_probe.hpp"

#include "live/migration_record.hpp"
#include "live/process_record.hpp"
#include "live/release_record.hpp"
#include "manifest/config_hash.hpp"
#include "manifest/fingerprint.hpp"

#include <algorithm>
#include <system_error>

namespace tether {
namespace {

/// Empty when every `spec.shared` link of the release is the symlink tether made, else which is
/// not (a repair rebuilds the dir).
std::string shared_link_damage(const fs::path& dir, const SharedPaths& shared) {
  for (const auto* paths : {&shared.dirs, &shared.files}) {
    for (const std::string& path : *paths) {
      std::error_code ec;
      const fs::path text = fs::read_symlink(dir / path, ec);
      if (ec || text != shared_link_text(path)) return "shared link " + path + " was modified";
    }
  }
  return "";
}

/// Empty when every file tether vouches for matches release.json, else what differs.
std::string find_damage(const fs::path& dir, const ReleaseRecord& record, HashCache& hashes) {
  auto binary = hashes.sha256(dir / record.binary_path);
  if (!binary) return "binary " + record.binary_path + " is unreadable";
  if (*binary != record.id.binary_sha256) return "binary " + record.binary_path + " was modified";
  for (const auto& [target, digest] : record.config_digests) {
    if (record.secret_targets.count(target) != 0) {
      // A decrypted file is never hashed (its digest would sit in the hash cache's store and
      // would let anyone who reads it test guesses of the secret): only its presence is checked.
      std::error_code ec;
      if (!fs::is_regular_file(fs::symlink_status(dir / target, ec))) {
        return "secret config file " + target + " was removed or replaced";
      }
      continue;
    }
    auto actual = hashes.sha256(dir / target);
    if (!actual || *actual != digest) return "config file " + target + " was modified or removed";
  }
  if (std::string link = shared_link_damage(dir, record.shared); !link.empty()) return link;
  if (config_hash_with_shared(record.config_digests, record.shared) != record.id.config_hash) {
    return "config hash in release.json does not match its files";
  }
  return "";
}

std::optional<InstalledRelease> probe_release(const fs::path& dir,
                                              HashCache& hashes,
                                              ProbeCache& cache) {
  const auto& record = cache.release_record(dir);
  InstalledRelease release;
  release.dir_name = dir.filename().string();
  if (!record) {
    // No readable release.json: not a release tether can vouch for; it can still be pruned.
    release.damage = "release.json missing or unreadable";
    return release;
  }
  release.id = record->id;
  release.installed_at = record->installed_at;
  release.damage = find_damage(dir, *record, hashes);
  release.intact = release.damage.empty() && release.dir_name == record->id.dir_name();
  if (release.damage.empty() && !release.intact) {
    release.damage = "dir name does not match its release.json";
  }
  return release;
}

/// A serving record for a host last touched by an older agent (none was written then): the
/// release in `current`, if it passed its gate here (`last_good_dir`), as its release.json says
/// it runs. What an older agent left running was not restarted by it when settings changed, so
/// its settings are those recorded at install.
std::optional<ServingRecord> serving_from_release(const Layout& layout,
                                                  const LiveService& live,
                                                  const std::string& last_good_dir,
                                                  ProbeCache& cache) {
  const InstalledRelease* current = live.current();
  if (current == nullptr || !current->intact || current->dir_name != last_good_dir)
    return std::nullopt;
  const auto& record = cache.release_record(layout.release_dir(live.name, current->dir_name));
  if (!record || !record->run) return std::nullopt;
  ServingRecord serving;
  serving.release = record->id;
  serving.spec = RuntimeSpec{current->dir_name, record->run, record->health, {}, {}};
  serving.fingerprint = fingerprint_of(serving.spec);
  serving.state_commit = record->state_commit;
  serving.since = record->installed_at;
  return serving;
}

bool runs_under_systemd(const ServingRecord& serving) {
  return serving.spec.run && std::holds_alternative<SystemdRun>(*serving.spec.run);
}

}  // namespace

LiveService probe_service(const Layout& layout,
                          const std::string& name,
                          HashCache& hashes,
                          const History& history,
                          ProbeCache& cache) {
  LiveService live;
  live.name = name;
  std::error_code ec;
  const fs::path link = layout.current_link(name);
  if (fs::is_symlink(link, ec)) {
    const fs::path target = fs::read_symlink(link, ec);
    if (!ec) live.current_dir = target.filename().string();
  }
  for (const auto& entry : fs::directory_iterator(layout.releases_dir(name), ec)) {
    const std::string dir_name = entry.path().filename().string();
    // Dot-dirs are half-built or condemned releases, never candidates.
    if (dir_name.empty() || dir_name.front() == '.' || !entry.is_directory(ec)) continue;
    if (auto release = probe_release(entry.path(), hashes, cache))
      live.installed.push_back(*release);
  }
  std::sort(live.installed.begin(), live.installed.end(), [](const auto& a, const auto& b) {
    return a.dir_name < b.dir_name;
  });
  // Migrations (#23): what each release printed after its last switch.
  for (const auto& [dir, state] : read_migration_states(layout, name)) {
    const auto it = std::find_if(
        live.installed.begin(), live.installed.end(), [&dir = dir](const InstalledRelease& r) {
          return r.dir_name == dir;
        });
    if (it != live.installed.end()) it->migration_state = state;
  }
  live.serving = cache.serving_record(layout, name);
  const bool recorded = live.serving.has_value();
  if (!recorded) {
    const auto past = history.find(name);
    if (past != history.end())
      live.serving = serving_from_release(layout, live, past->second.last_good_dir, cache);
  }
  if (auto process = cache.process_record(layout.pid_file(name))) {
    live.process = cache.alive(*process, name) ? ProcessState::running : ProcessState::stopped;
    live.process_release_dir = process->release_dir;
    live.process_port = process->port;
    live.fingerprint = process->fingerprint;
    live.instance = std::to_string(process->pid) + "@" + std::to_string(process->start_time);
    // Started by an older agent: trust the release's recorded settings, as it did.
    if (live.fingerprint.empty() && !recorded && live.serving &&
        live.serving->release.dir_name() == process->release_dir)
      live.fingerprint = live.serving->fingerprint;
  } else {
    live.process = ProcessState::stopped;
    // A systemd unit's settings are the unit's: what tether changes (the unit name, the
    // health spec) is what passed the gate last.
    if (live.serving && runs_under_systemd(*live.serving) && live.current_dir &&
        live.serving->release.dir_name() == *live.current_dir)
      live.fingerprint = live.serving->fingerprint;
  }
  return live;
}

LiveService probe_service(const Layout& layout,
                          const std::string& name,
                          HashCache& hashes,
                          const History& history) {
  ProbeCache cache;
  return probe_service(layout, name, hashes, history, cache);
}

Live probe_all(const Layout& layout, HashCache& hashes, const History& history, ProbeCache& cache) {
  Live live;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.services_dir(), ec)) {
    if (!entry.is_directory(ec)) continue;
    const std::string name = entry.path().filename().string();
    live.emplace(name, probe_service(layout, name, hashes, history, cache));
  }
  cache.retain_used();
  return live;
}

Live probe_services(const Layout& layout,
                    HashCache& hashes,
                    const History& history,
                    ProbeCache& cache,
                    Live base,
                    const std::set<std::string>& services) {
  for (const std::string& name : services) {
    std::error_code ec;
    // As probe_all() lists them: a service is a dir under services/ (a name from an inotify
    // event can be anything: it only ever names a path in that dir).
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        !fs::is_directory(layout.service_dir(name), ec)) {
      base.erase(name);
      continue;
    }
    base.insert_or_assign(name, probe_service(layout, name, hashes, history, cache));
  }
  cache.retain_used_of(services);
  return base;
}

Live probe_all(const Layout& layout, HashCache& hashes, const History& history) {
  ProbeCache cache;
  return probe_all(layout, hashes, history, cache);
}

}  // namespace tether
