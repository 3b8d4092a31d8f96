#pragma once

// The preview of a state repo ref against this host's live state: what an agent following
// that ref would do here now, and what on the host has drifted from what it applied. Pure: the
// same planner as the agent's pass (make_plan), no I/O.

#include "model/desired.hpp"
#include "model/history.hpp"
#include "model/live.hpp"

#include <optional>
#include <string>
#include <vector>

namespace tether::preview {

/// What the agent's commit gate would say about the ref's tip. A preview is made whatever it
/// says: reviewers want to see an unsigned PR's effect before it is signed and merged.
enum class Signature { not_required, valid, unsigned_commit, invalid };

[[nodiscard]] const char* to_string(Signature signature);

struct TrustVerdict {
  Signature signature = Signature::not_required;
  std::string detail;  ///< why the signature is not valid ("" when it is, or not required)
  /// Whether the tip descends from the commit the host applied; nullopt when it applied none
  /// or that commit cannot be read.
  std::optional<bool> descends_from_applied;
  bool operator==(const TrustVerdict&) const = default;

  /// False when the agent would refuse the tip as it is (signature missing or invalid).
  [[nodiscard]] bool admitted() const {
    return signature == Signature::not_required || signature == Signature::valid;
  }
};

/// One service on this host: what the ref declares, what is live, what the agent would do.
struct ServicePreview {
  std::string service;
  std::optional<ReleaseId> desired;  ///< declared for this host at the ref; nullopt: not
  std::optional<ReleaseId> live;     ///< what serves now; nullopt: nothing (or unknown)
  /// none, install, upgrade, rollback, change, repair, restart, held (the declared release
  /// is quarantined here: the agent keeps what serves) or suspended (a hold keeps back what
  /// `reason` says it would do).
  std::string action = "none";
  std::string reason;
  /// The host departs from what it applied (the agent's own repair step at its applied commit):
  /// a modified binary or config file, a dead process, a container changed by hand.
  bool drift = false;
  std::string drift_reason;
  bool repairs_drift = false;  ///< the ref's action replaces or rebuilds what drifted
  bool operator==(const ServicePreview&) const = default;

  [[nodiscard]] bool changes() const {
    return action != "none" && action != "held" && action != "suspended";
  }
};

struct Preview {
  std::string host;
  StringMap labels;            ///< as the services were selected at the ref
  std::string ref;             ///< as asked for
  std::string ref_name;        ///< the full ref it resolved to
  std::string commit;          ///< the ref's tip
  std::string applied_commit;  ///< the commit this host applied last; "" if none
  TrustVerdict trust;
  std::vector<ServicePreview> services;  ///< sorted by name
  std::vector<std::string> notes;        ///< the planner's notes at the ref
  bool operator==(const Preview&) const = default;
};

/// Everything a preview is made from, read by the caller.
struct PreviewInput {
  std::string host;
  std::string ref;
  std::string ref_name;
  Desired proposed;                ///< this host's desired state at the ref's tip
  std::optional<Desired> applied;  ///< at the commit the host applied last (drift baseline)
  Live live;
  History history;
  TrustVerdict trust;
  HostSuspensions holds = {};  ///< the host's own (`tether suspend`); Git's come with `proposed`
  std::string now = {};        ///< RFC 3339 (rfc3339_of): whether a local hold has expired
};

/// Plans `proposed` against `live` exactly as an agent pass would, and `applied` against
/// `live` to find drift (its repair and restart steps). Services: those declared at either
/// commit and those live on the host.
[[nodiscard]] Preview make_preview(const PreviewInput& input);

}  // namespace tether::preview
