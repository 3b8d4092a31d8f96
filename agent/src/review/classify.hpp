#pragma once

#include "review/review_model.hpp"

#include <string>
#include <vector>

namespace tether::review {

/// How `input.host` moves from `input.from` to `input.to`, service by service (sorted). No I/O.
///
/// A move to another release is a rollback when that release was declared in services/<name>.yaml
/// before the current one first was (`history`, walked back from --from), or when its version
/// sorts lower (core/version_order); otherwise an upgrade (binary) or an image change
/// (container). Same release with other config files: config-only. A host outside the rollout
/// share at --to keeps what it runs: the change is listed but does not apply to it.
[[nodiscard]] HostPlan plan_host(const HostInput& input, const DeclaredHistory& history);

/// Groups the changes of all hosts into headline entries, most important first: rollbacks,
/// upgrades, image changes, config, settings, new, removed, rollout joins, then hosts held
/// back by a rollout share. Empty when no host changes.
[[nodiscard]] std::vector<SummaryEntry> summarize(const std::vector<HostPlan>& hosts);

/// The summary in one line: entries joined with "; ", or "no host changes".
[[nodiscard]] std::string headline(const std::vector<SummaryEntry>& summary);

/// "1.4.2", "1.2@sha256:2e7d2c03a950", "registry.example.com/web:latest (unpinned)".
[[nodiscard]] std::string release_label(const ReleaseView& release);

/// First 12 characters, for commits and digests.
[[nodiscard]] std::string short_hash(const std::string& hash);

}  // namespace tether::review
