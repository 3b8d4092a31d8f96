#pragma once

#include "core/result.hpp"
#include "model/release_id.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tether {

/// A release as the journal names it.
struct JournalRelease {
  std::string version;
  std::string commit;
  std::string dir;
  bool operator==(const JournalRelease&) const = default;
};

/// One applied (or failed) change, one line of `state/journal.jsonl`.
struct JournalEntry {
  std::string time;
  std::string state_commit;
  std::string service;
  std::string
      action;  ///< install, upgrade, rollback, change, repair, restart, prune, auto-rollback
  std::optional<JournalRelease> from;
  std::optional<JournalRelease> to;
  std::string result;  ///< "ok" or "failed"
  std::string error;
  std::string reason;  ///< why it was done (an auto-rollback names the failed health check)
  /// When an applied action began (RFC 3339, ms); "" for the other entries. With `time`, when
  /// it ended: the services of one dependency wave are converged at once.
  std::string started{};
  /// The switch strategy of a switch ("restart", "blue-green"); "" for the other entries.
  std::string strategy{};
  bool operator==(const JournalEntry&) const = default;
};

/// A release as the journal names it: version, commit and release dir.
[[nodiscard]] JournalRelease journal_release(const ReleaseId& id);
[[nodiscard]] std::optional<JournalRelease> journal_release(const std::optional<ReleaseId>& id);

[[nodiscard]] std::string to_json_line(const JournalEntry& entry);
/// The entry one journal line holds; nullopt for a line that is not one (torn by a crash).
[[nodiscard]] std::optional<JournalEntry> from_json_line(const std::string& line);

/// Append-only history. Each append is one fsync'd line, so a crash loses at most the entry
/// being written and never corrupts earlier ones.
class Journal {
 public:
  explicit Journal(std::filesystem::path path) : m_path(std::move(path)) {}

  [[nodiscard]] Status append(const JournalEntry& entry) const;
  /// All entries, oldest first. A torn last line (crash mid-write) is skipped.
  [[nodiscard]] Result<std::vector<JournalEntry>> read_all() const;

 private:
  std::filesystem::path m_path;
};

}  // namespace tether
