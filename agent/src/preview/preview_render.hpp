#pragma once

// What `GET /plan` and `tether plan --live` print: the tether.plan-preview/v1 document
// (manifests-schema/plan-preview.schema.json) and a text table. Pure: no I/O.

#include "core/result.hpp"
#include "preview/preview.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace tether::preview {

inline constexpr const char* k_preview_format = "tether.plan-preview/v1";

/// {"format": "tether.plan-preview/v1", host, labels, ref, refName, commit, appliedCommit,
/// trust:{signature, admitted, detail, descendsFromApplied}, changes, drifted,
/// services:[{service, desired, live, action, reason, drift, driftReason, repairsDrift}],
/// notes}; a release is {version, commit, configHash, text}.
[[nodiscard]] nlohmann::json preview_json(const Preview& preview);

/// {"error": message, "hint": hint, "ref": ref}: why no preview could be made.
[[nodiscard]] nlohmann::json preview_error_json(const Error& error, const std::string& ref);

/// A heading (host, ref, commits), the trust verdict, one row per service and a closing line.
[[nodiscard]] std::string preview_text(const Preview& preview);

/// "the agent would refuse this tip as it is: <detail>" and the like, "" when admitted.
[[nodiscard]] std::string trust_warning(const TrustVerdict& trust);

}  // namespace tether::preview
