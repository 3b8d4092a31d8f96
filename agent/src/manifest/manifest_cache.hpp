#pragma once

#include "manifest/diagnostics.hpp"
#include "model/service.hpp"
#include "model/snapshot.hpp"

#include <memory>
#include <optional>
#include <string>

namespace tether {

struct HostFile;  // manifest/documents.hpp: kept out of this header (and yaml-cpp with it)

/// Service and Host manifests parsed from earlier commits, kept by path and Git blob id: a
/// blob id names the content, so a file with the same path and blob id parses to the same
/// value and the same diagnostics. A new commit that changes one manifest out of a hundred
/// parses one. Files of a snapshot without blob ids are parsed every time. Not thread-safe;
/// one per reconciler.
class ManifestCache {
 public:
  ManifestCache();
  ~ManifestCache();
  ManifestCache(const ManifestCache&) = delete;
  ManifestCache& operator=(const ManifestCache&) = delete;

  /// parse_service(path, snapshot.files.at(path), diagnostics), from the cache when the blob
  /// is unchanged (its diagnostics are added again).
  [[nodiscard]] std::optional<Service> service(const StateSnapshot& snapshot,
                                               const std::string& path,
                                               Diagnostics& diagnostics);
  /// parse_host(path, snapshot.files.at(path), diagnostics), likewise.
  [[nodiscard]] std::optional<HostFile> host(const StateSnapshot& snapshot,
                                             const std::string& path,
                                             Diagnostics& diagnostics);
  /// Forgets the manifests not looked up since the previous call (files gone or changed).
  void retain_used();
  /// How many manifests were parsed (cache misses), for tests and benchmarks.
  [[nodiscard]] size_t parsed() const;

 private:
  struct Entries;
  std::unique_ptr<Entries> m_entries;
};

}  // namespace tether
