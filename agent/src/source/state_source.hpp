#pragma once

#include "core/result.hpp"
#include "model/snapshot.hpp"

#include <string>

namespace tether {

/// How much a source has talked to its server: polls that only listed the remote's refs are
/// cheap; downloads carry objects. Monotonic over the source's lifetime.
struct SourceCounters {
  long long polls = 0;      ///< tip lookups (ls-remote)
  long long downloads = 0;  ///< fetches that transferred objects
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
};

}  // namespace tether
