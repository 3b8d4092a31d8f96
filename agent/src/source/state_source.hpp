#pragma once

#include "core/result.hpp"
#include "model/snapshot.hpp"

#include <string>
#include <vector>

namespace tether {

/// How much a source has talked to its server: polls that only listed the remote's refs are
/// cheap; downloads carry objects. Monotonic over the source's lifetime.
struct SourceCounters {
  long long polls = 0;      ///< tip lookups (ls-remote)
  long long downloads = 0;  ///< fetches that transferred objects
};

/// A commit as its signature covers it: git signs the commit object without its `gpgsig`
/// header.
struct SignedCommit {
  std::string signature;      ///< armored signature; empty when the commit is not signed
  std::string signed_data;    ///< the commit object the signature covers
  long long commit_time = 0;  ///< committer time, Unix seconds
};

/// One commit of a file's first-parent history (StateSource::file_history).
struct FileVersion {
  std::string commit;         ///< 40 hex
  long long commit_time = 0;  ///< committer time, Unix seconds
  std::string blob_id;        ///< the file's blob at that commit; empty when it has none
  /// The file's content; read only where the blob differs from the newer entry's (else
  /// empty: the newer entry's content holds).
  std::string content;
};

/// Where desired state comes from. The agent only needs "what is the tip now" and "what are the
/// files at that commit"; tests and dry-runs can hand in other sources.
class StateSource {
 public:
  virtual ~StateSource() = default;

  /// Brings the configured branch up to date and returns its tip commit (40 hex).
  [[nodiscard]] virtual Result<std::string> fetch() = 0;
  /// The manifest and config files at `commit`.
  [[nodiscard]] virtual Result<StateSnapshot> snapshot(const std::string& commit) = 0;
  [[nodiscard]] virtual SourceCounters counters() const = 0;

  // History questions the trust checks ask about commits already fetched.
  [[nodiscard]] virtual Result<SignedCommit> signed_commit(const std::string& commit) = 0;
  /// True when `ancestor` is `commit` or reachable from it.
  [[nodiscard]] virtual Result<bool> descends_from(const std::string& commit,
                                                   const std::string& ancestor) = 0;
  /// Commits reachable from `tip` but not from `base` (newest first), at most `limit`.
  [[nodiscard]] virtual Result<std::vector<std::string>> commits_since(const std::string& base,
                                                                       const std::string& tip,
                                                                       size_t limit) = 0;
  /// `path` along the first-parent history of `tip`, newest first, at most `limit` commits
  /// (waves: the commit that introduced a service's release). Sources without history
  /// answer an error; the caller then falls back to a time that holds waves back, never one
  /// that lets them go early.
  [[nodiscard]] virtual Result<std::vector<FileVersion>> file_history(const std::string& tip,
                                                                      const std::string& path,
                                                                      size_t limit) {
    (void)tip;
    (void)path;
    (void)limit;
    return Error{"this state source keeps no history", ""};
  }
};

}  // namespace tether
