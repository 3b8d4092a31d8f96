#pragma once

#include "manifest/state_loader.hpp"
#include "review/review_model.hpp"
#include "review/review_repo.hpp"

#include <optional>
#include <string>
#include <variant>

namespace tether::review {

/// What `tether plan` compares.
struct PlanRequest {
  std::string from_rev;
  std::string to_rev;
  /// One more host to plan for (`--host`, `--label`), besides the repo's hosts/*.yaml.
  std::optional<HostIdentity> extra_host;
  int history_limit = 1000;  ///< commits walked back from --from to find earlier releases
};

enum class PlanFailure {
  unreadable,    ///< a Git object could not be read
  bad_revision,  ///< --from or --to names no commit
  invalid_from,  ///< the manifests at --from do not validate (--to does)
  invalid_to,    ///< the manifests at --to do not validate
};

struct PlanError {
  PlanFailure failure = PlanFailure::unreadable;
  /// For an operator: what, where (file:line per diagnostic) and what to do, several lines.
  std::string message;
};

using PlanOutcome = std::variant<ReviewPlan, PlanError>;

/// Resolves both revisions, validates every manifest at both commits for every host known to
/// either commit (plus `request.extra_host`) the way the agent does, and classifies each host's
/// services. Reads Git only.
[[nodiscard]] PlanOutcome build_plan(ReviewRepo& repo, const PlanRequest& request);

}  // namespace tether::review
