#pragma once

#include "review/review_model.hpp"

#include <optional>
#include <string>

namespace tether::review {

enum class PlanFormat { text, markdown, json };

/// Parses "text", "markdown" or "json".
[[nodiscard]] std::optional<PlanFormat> parse_plan_format(const std::string& name);

/// For a terminal: the headline, then per host one line per service
///   web: rollback 1.5.0 (commit 0123456789ab, binary 1111aaaa2222, config 3333bbbb4444) -> ...
///     declared earlier (first at 0123456789ab); rollout 100% (bucket 17): in
[[nodiscard]] std::string render_text(const ReviewPlan& plan);

/// For a pull-request comment: the headline alone on the first line ("3 hosts roll back web
/// 1.5.0 → 1.4.2", or "no host changes"), then a table with one row per service and move,
/// listing the hosts that make it (changes first, most important first).
[[nodiscard]] std::string render_markdown(const ReviewPlan& plan);

/// The stable machine shape "tether.plan/v1" (also in `tether plan --help`):
/// {format, from:{rev,commit}, to:{rev,commit}, headline,
///  hosts:[{host, labels, services:[{service, change, applies, reason, declared_at,
///          from:RELEASE|null, to:RELEASE|null, rollout:{percent, bucket, included}}]}],
///  summary:[{change, service, from, to, held, percent, count, hosts, text}]}
/// RELEASE = {kind, version, commit, binary_sha256, artifact_sha256, image, digest, pinned,
/// config_hash}, null for the fields the other kind has.
[[nodiscard]] std::string render_json(const ReviewPlan& plan);

/// One of the three above.
[[nodiscard]] std::string render(const ReviewPlan& plan, PlanFormat format);

}  // namespace tether::review
