#pragma once

// Names of refs a caller asks to preview (`GET /plan?ref=REF`, `tether plan --live --ref REF`):
// input from the network, checked before it reaches libgit2 or a log line. Pure.

#include <string>
#include <vector>

namespace tether {

/// "" when `ref` is acceptable, else a phrase saying what was expected. Accepted: a branch or
/// tag name ("pr-42", "feature/web-1.5"), a path under refs/ ("pull/42/head") or a full ref
/// ("refs/pull/42/head"): letters, digits and `._-/+`, at most 200 characters, components
/// not empty and not starting with '.', no "..", no leading '-' (option-like), no ".lock" end.
[[nodiscard]] std::string check_ref_name(const std::string& ref);

/// The full ref names `ref` may stand for on the remote, in the order they are tried: `ref`
/// itself when it starts with "refs/", else refs/heads/REF, refs/tags/REF and refs/REF.
[[nodiscard]] std::vector<std::string> ref_candidates(const std::string& ref);

}  // namespace tether
