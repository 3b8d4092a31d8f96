#pragma once

#include "core/layout.hpp"
#include "core/non_socket_fds.hpp"
#include "core/result.hpp"
#include "live/file_stamp.hpp"
#include "live/process_record.hpp"
#include "live/release_record.hpp"
#include "model/serving.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>

namespace tether {

/// What the live probe parsed on earlier polls, kept by what would invalidate it, so that a
/// quiet poll costs a few stat(2) calls per service rather than a JSON parse per record and a
/// /proc read per process:
/// - release.json, serving.json and the pid file are parsed again only when their FileStamp
///   changed (tether replaces them by rename, so any rewrite is a new inode; an edit in place
///   changes size, mtime or ctime);
/// - a process once found alive (by its /proc start time, as is_alive() does) is watched
///   through a pidfd: it reads as gone the moment it exits, without a /proc read, and the pid
///   cannot be mistaken for a reused one.
/// Out-of-band changes are therefore seen at the next poll, as without the cache. The one
/// blind spot is the HashCache's too: a same-size rewrite in place within the kernel's
/// timestamp tick (a few ms) of the last read keeps the stamp until the file changes again.
/// Not thread-safe; one per reconciler.
class ProbeCache {
 public:
  /// `<release_dir>/.tether/release.json`, as read_release_record() returns it. The reference
  /// stays valid until the next retain_used().
  [[nodiscard]] const Result<ReleaseRecord>& release_record(const fs::path& release_dir);
  /// The release.json of `release_dir` as the last release_record() read it, without looking
  /// at the file again; nullptr when it was never looked up.
  [[nodiscard]] const Result<ReleaseRecord>* parsed_release_record(
      const fs::path& release_dir) const;
  /// The pid file, as read_process_record() returns it.
  [[nodiscard]] std::optional<ProcessRecord> process_record(const fs::path& pid_file);
  /// `serving.json` of `service`, as read_serving_record() returns it.
  [[nodiscard]] std::optional<ServingRecord> serving_record(const Layout& layout,
                                                            const std::string& service);
  /// is_alive(), answered from a pidfd once the process was found alive (reaps it when it is
  /// an exited child of ours, as is_alive() does). `service` runs it: exited_services() names
  /// it when it exits.
  [[nodiscard]] bool alive(const ProcessRecord& record, const std::string& service = {});

  /// The services whose process the probes found alive and that has exited since (what a
  /// quiet poll asks instead of probing: one epoll_wait(2) over the pidfds); nullopt when that
  /// cannot be told (one was found alive without a pidfd, or epoll failed).
  [[nodiscard]] std::optional<std::set<std::string>> exited_services() const;

  /// Forgets what was not looked up since the previous call (pruned releases, removed
  /// services), closing their pidfds.
  void retain_used();
  /// After a probe of `services` alone: forgets the processes of those services it did not
  /// find again (a restarted service's old process), and keeps everything else as it is.
  void retain_used_of(const std::set<std::string>& services);

  /// How many record files were parsed (cache misses), for tests.
  [[nodiscard]] size_t files_parsed() const { return m_files_parsed; }

 private:
  template <typename T>
  struct Parsed {
    std::optional<FileStamp> stamp;
    T value;
    bool used = true;
  };
  struct Watched {
    unsigned long long start_time = 0;
    NonSocketFd pidfd;
    std::string service;
    bool used = true;
  };
  /// Adds `pidfd` of `pid` to m_exits (made on first use); false when it cannot.
  bool watch_exit(int pidfd, pid_t pid);
  /// The entry for `path` in `entries`, re-read with `read` when its stamp changed.
  template <typename T, typename Read>
  const T& lookup(std::map<std::string, Parsed<T>>& entries, const fs::path& path, Read read);

  std::map<std::string, Parsed<Result<ReleaseRecord>>> m_releases;
  std::map<std::string, Parsed<std::optional<ProcessRecord>>> m_processes;
  std::map<std::string, Parsed<std::optional<ServingRecord>>> m_serving;
  std::map<pid_t, Watched> m_watched;
  /// Every pidfd of m_watched (a closed one leaves it by itself): "has any exited?" is one
  /// epoll_wait, whatever the number of services, where poll(2) looked at each.
  NonSocketFd m_exits;
  bool m_unwatched_alive = false;       ///< since the last retain_used(): alive, no pidfd
  bool m_last_probe_unwatched = false;  ///< m_unwatched_alive as the last probe left it
  size_t m_files_parsed = 0;
};

}  // namespace tether
