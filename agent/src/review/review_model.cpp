#include "review/review_model.hpp"

namespace tether::review {

std::string ReleaseView::identity() const {
  if (kind == ReleaseKind::container) return "container:" + (digest.empty() ? image : digest);
  return "binary:" + version + ":" + commit + ":" + binary_sha256;
}

const char* to_string(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::unchanged:
      return "unchanged";
    case ChangeKind::added:
      return "new";
    case ChangeKind::removed:
      return "removed";
    case ChangeKind::upgrade:
      return "upgrade";
    case ChangeKind::rollback:
      return "rollback";
    case ChangeKind::config_only:
      return "config-only";
    case ChangeKind::image_change:
      return "image-change";
    case ChangeKind::settings:
      return "settings";
    case ChangeKind::joins_rollout:
      return "joins-rollout";
  }
  return "unknown";
}

const char* to_string(RollbackReason reason) {
  switch (reason) {
    case RollbackReason::none:
      return "";
    case RollbackReason::declared_earlier:
      return "declared-earlier";
    case RollbackReason::version_lower:
      return "version-lower";
  }
  return "";
}

}  // namespace tether::review
