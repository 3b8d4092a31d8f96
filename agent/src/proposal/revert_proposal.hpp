#pragma once

#include "apply/journal.hpp"
#include "model/service.hpp"

#include <optional>
#include <string>
#include <vector>

/// The revert a host proposes after an automatic rollback: which state-repo commit introduced
/// the failing release, the branch it goes on and the commit message with the host's evidence.
/// Pure: the agent (proposer.cpp) and `tether revert --proposal` both build it from here, so
/// they say the same thing.
namespace tether::proposal {

/// What one commit of the first-parent history declares for the service on this host.
struct DeclaredAt {
  std::string commit;  ///< 40 hex
  /// This host's fingerprint of the service there (release, config files, host overrides,
  /// run and health settings); "" when the commit does not declare it for this host; nullopt
  /// when the commit's state cannot be loaded (invalid manifests: no agent applied it).
  std::optional<std::string> identity;
  bool operator==(const DeclaredAt&) const = default;
};

/// The commit that made the service's fingerprint `failing`: walking `history` (newest first,
/// starting at the state commit being applied) while it declares `failing`, the oldest such
/// commit. Commits that cannot be loaded are stepped over: agents refused them, so they made
/// nothing. nullopt when the newest entry does not declare `failing` (the state moved on) or
/// the walk ends still declaring it (the change is older than the walk, or the service was
/// created with it: nothing to revert to).
[[nodiscard]] std::optional<std::string> introducing_commit(const std::vector<DeclaredAt>& history,
                                                            const std::string& failing);

/// `<prefix><first 12 hex of commit>`: the same on every host that sees the same failure, so
/// the first push creates it and the others find it.
[[nodiscard]] std::string proposal_branch(const std::string& prefix, const std::string& commit);

/// "http GET <url> expecting 200", "tcp connect <address>", "exec <argv>", plus the timing.
[[nodiscard]] std::string describe_probe(const HealthSpec& health);

/// One journal entry as a line of the excerpt: "<time> <action> <from> -> <to>: <result>...".
[[nodiscard]] std::string journal_line(const JournalEntry& entry);

/// The last `count` entries of `entries` (oldest first) for `service`, as journal_line()s;
/// earlier proposals' own entries are left out (they are not evidence).
[[nodiscard]] std::vector<std::string> journal_excerpt(const std::vector<JournalEntry>& entries,
                                                       const std::string& service,
                                                       size_t count = 5);

/// Everything the message says: what failed, where, when, and the revert it asks for.
struct Evidence {
  std::string host;
  std::string service;
  std::string failing_version;  ///< or the image for a container service
  std::string failing_commit;   ///< the release's source commit ("" for containers)
  std::string rolled_back_to;   ///< the release serving again
  std::string probe;            ///< describe_probe()
  std::string last_error;       ///< the health gate's verdict (its last probe's detail)
  std::string time;             ///< RFC 3339 UTC, when the release was quarantined
  std::string state_commit;     ///< the state commit whose apply failed
  std::string reverted_commit;  ///< 40 hex: introducing_commit()
  std::string reverted_subject;
  std::vector<std::string> journal;  ///< journal_excerpt()
  bool operator==(const Evidence&) const = default;
};

/// The revert commit's message: a `Revert "<subject>"` title as git writes it, git's
/// "This reverts commit <sha>." line, then the evidence, one labelled line each.
[[nodiscard]] std::string proposal_message(const Evidence& evidence);

}  // namespace tether::proposal
