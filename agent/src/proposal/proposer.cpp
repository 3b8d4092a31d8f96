#include "proposal/proposer.hpp"

#include "apply/history_store.hpp"
#include "apply/journal.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "manifest/state_loader.hpp"
#include "review/revert_repo.hpp"

#include <algorithm>

namespace tether::proposal {
namespace {

/// Commits walked back from the state commit, and states read among them (only commits that
/// change services/, hosts/ or config/ are read).
constexpr review::HistoryLimits k_history_limits{500, 100};
constexpr int k_max_attempts = 8;
constexpr long long k_first_retry_seconds = 30;
constexpr long long k_max_retry_seconds = 3600;

long long now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The release an auto-rollback of `service` went back to, from the newest such entry.
std::string rolled_back_to(const std::vector<JournalEntry>& entries, const std::string& service) {
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->service == service && it->action == "auto-rollback" && it->to) {
      return it->to->version.empty() ? it->to->dir : it->to->version;
    }
  }
  return "the previous release";
}

/// What the message says, from what the host knows without Git.
Evidence evidence_of(const std::string& host,
                     const DesiredService& desired,
                     const Quarantine& quarantine,
                     const std::string& state_commit,
                     const std::vector<JournalEntry>& entries) {
  Evidence e;
  e.host = host;
  e.service = desired.service.name;
  e.failing_version = quarantine.version.empty() ? quarantine.dir_name : quarantine.version;
  e.failing_commit = quarantine.commit;
  e.rolled_back_to = rolled_back_to(entries, e.service);
  if (desired.service.health) e.probe = describe_probe(*desired.service.health);
  e.last_error = quarantine.reason;
  e.time = quarantine.time;
  e.state_commit = state_commit;
  e.journal = journal_excerpt(entries, e.service);
  return e;
}

/// This host's fingerprint of `service` in a state: "" when the state does not declare it for
/// the host, nullopt when the state is invalid (agents refused it). The same loader the agent
/// applies commits with, so the walk sees what the agent saw.
std::optional<std::string> fingerprint_in(const StateSnapshot& snapshot,
                                          const HostIdentity& host,
                                          const std::string& service) {
  Diagnostics ignored;
  const auto desired = load_desired(snapshot, host, ignored);
  if (!desired) return std::nullopt;
  const auto found = desired->services.find(service);
  return found == desired->services.end() ? std::string() : found->second.fingerprint;
}

std::vector<DeclaredAt> declared_history(const std::vector<review::IdentifiedAt>& states) {
  std::vector<DeclaredAt> out;
  for (const review::IdentifiedAt& state : states) out.push_back({state.commit, state.identity});
  return out;
}

/// A directory removed (with what is in it) when the attempt ends, however it ends.
struct ScratchPath {
  fs::path path;
  ~ScratchPath() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

ProposalRecord failed(ProposalRecord record, const Error& error) {
  record.state = ProposalState::failed;
  record.error = error.describe();
  return record;
}

/// repo.*, with proposeRevert's own sshKeyFile, tokenFile and username (older configs name the
/// push credentials there) taking precedence.
RepoAccess push_access(const ProposerOptions& options) {
  RepoAccess access = options.repo_access;
  const ProposeRevertConfig& own = options.config;
  if (!own.ssh_key_file.empty()) access.ssh_key_file = own.ssh_key_file;
  if (!own.token_file.empty()) access.token_file = own.token_file;
  if (!own.username.empty()) access.username = own.username;
  return access;
}

}  // namespace

long long next_attempt_after(int attempts, long long now) {
  if (attempts >= k_max_attempts) return 0;
  const int doublings = std::clamp(attempts - 1, 0, 20);
  return now + std::min(k_first_retry_seconds << doublings, k_max_retry_seconds);
}

bool due(const ProposalRecord* previous, const Quarantine& quarantine, long long now) {
  if (previous == nullptr || previous->quarantine_dir != quarantine.dir_name ||
      previous->spec_digest != quarantine.spec_digest) {
    return true;  // a quarantine not proposed yet
  }
  if (previous->settled()) return false;
  return previous->next_attempt_unix != 0 && now >= previous->next_attempt_unix;
}

Proposer::Proposer(Layout layout, ProposerOptions options)
    : m_layout(std::move(layout)), m_options(std::move(options)) {}

Proposer::Done Proposer::run(const Desired& desired) {
  Done done;
  if (!m_options.config.enabled) return done;
  const History history = HistoryStore(m_layout.history()).load().value_or(History{});
  const ProposalStore store(m_layout);
  auto loaded = store.load();
  if (!loaded)
    log_warn("revert proposals: starting afresh", {{"error", loaded.error().describe()}});
  Proposals proposals = loaded ? *loaded : Proposals{};
  bool changed = false;
  for (const auto& [name, service] : history) {
    const auto declared = desired.services.find(name);
    // Only a quarantine of what the state commit declares now: one for an older declaration
    // is lifted on the next pass anyway.
    if (!service.quarantine || declared == desired.services.end() ||
        declared->second.spec_digest != service.quarantine->spec_digest) {
      continue;
    }
    const auto previous = proposals.find(name);
    if (!due(previous == proposals.end() ? nullptr : &previous->second,
             *service.quarantine,
             now_unix())) {
      continue;
    }
    ProposalRecord made = propose(declared->second, *service.quarantine, desired.state_commit);
    if (previous != proposals.end() && previous->second.quarantine_dir == made.quarantine_dir &&
        previous->second.spec_digest == made.spec_digest) {
      made.attempts += previous->second.attempts;
    }
    if (made.state == ProposalState::failed) {
      made.next_attempt_unix = next_attempt_after(made.attempts, now_unix());
    }
    ++done.attempted;
    if (made.settled()) ++done.settled;
    record(made, *service.quarantine);
    proposals[name] = std::move(made);
    changed = true;
  }
  if (changed) {
    if (Status saved = store.save(proposals); !saved) {
      log_error("cannot save the revert proposals", {{"error", saved.error().describe()}});
    }
  }
  return done;
}

ProposalRecord Proposer::propose(const DesiredService& desired,
                                 const Quarantine& quarantine,
                                 const std::string& state_commit) const {
  ProposalRecord record;
  record.quarantine_dir = quarantine.dir_name;
  record.spec_digest = quarantine.spec_digest;
  record.attempts = 1;
  record.time = now_rfc3339();
  const auto entries = Journal(m_layout.journal()).read_all();
  record.evidence = evidence_of(m_options.host,
                                desired,
                                quarantine,
                                state_commit,
                                entries ? *entries : std::vector<JournalEntry>{});

  // A scratch repo, not the mirror: the mirror is what the agent trusts and applies, and it
  // must never hold anything but the tracked branch as fetched. Borrowing its objects makes
  // the scratch repo cost nothing but what the tip added since the state commit.
  ScratchPath scratch{m_layout.state_dir() / "revert-scratch"};
  std::error_code ec;
  fs::remove_all(scratch.path, ec);  // left by a crash mid-attempt
  auto repo = review::RevertRepo::open_scratch({m_options.repo_url,
                                                scratch.path,
                                                m_layout.mirror() / "objects",
                                                m_options.branch,
                                                state_commit,
                                                push_access(m_options)});
  if (!repo) return failed(record, repo.error());
  if (!find_reverted(**repo, desired, record)) return record;
  return publish(**repo, std::move(record));
}

bool Proposer::find_reverted(review::RevertRepo& repo,
                             const DesiredService& desired,
                             ProposalRecord& record) const {
  // What failed is this host's fingerprint of the service, whichever file made it: the
  // service's manifest, a config file it places, or the host file's overrides. Walking only
  // services/<name>.yaml would blame the last version bump for a broken config file.
  const std::string& name = desired.service.name;
  const HostIdentity host{m_options.host, m_options.labels};
  auto states = repo.state_history(
      record.evidence.state_commit, k_history_limits, [&](const StateSnapshot& snapshot) {
        return fingerprint_in(snapshot, host, name);
      });
  if (!states) {
    record = failed(record, states.error());
    return false;
  }
  const auto commit = introducing_commit(declared_history(*states), desired.fingerprint);
  if (!commit) {
    record.state = ProposalState::unavailable;
    record.error = name + " has the failing declaration for host " + m_options.host +
                   " in all of the last " + std::to_string(states->size()) +
                   " commits (since it was created, or longer ago): no commit to revert; fix "
                   "or revert it by hand";
    return false;
  }
  record.evidence.reverted_commit = *commit;
  record.evidence.reverted_subject = repo.subject(*commit).value_or("");
  record.branch = proposal_branch(m_options.config.branch_prefix, *commit);
  return true;
}

ProposalRecord Proposer::publish(review::RevertRepo& repo, ProposalRecord record) const {
  const std::string branch_ref = "refs/heads/" + record.branch;
  // The remote's refs first: when another host proposed it already there is nothing to do.
  const auto already = [&](const std::map<std::string, std::string>& refs) {
    const auto found = refs.find(branch_ref);
    if (found == refs.end()) return false;
    record.state = ProposalState::already_proposed;
    record.revert_commit = found->second;
    return true;
  };
  auto refs = repo.remote_refs();
  if (!refs) return failed(record, refs.error());
  if (already(*refs)) return record;
  const auto tip = refs->find("refs/heads/" + m_options.branch);
  if (tip == refs->end()) {
    return failed(record,
                  Error{"branch " + m_options.branch + " not found at " + m_options.repo_url,
                        "check repo.branch"});
  }
  if (Status fetched = repo.fetch_branch(m_options.branch); !fetched) {
    return failed(record, fetched.error());
  }
  auto reverted =
      repo.revert({record.evidence.reverted_commit,
                   tip->second,
                   record.branch,
                   1,
                   review::Author{"tether on " + m_options.host, "tether@" + m_options.host}},
                  proposal_message(record.evidence));
  if (!reverted) return failed(record, reverted.error());
  record.revert_commit = reverted->commit;
  if (!m_options.config.push) {
    record.state = ProposalState::recorded;
    return record;
  }
  if (Status pushed = repo.push(record.branch); !pushed) {
    // Another host may have pushed the same branch between our listing and our push: the
    // server (or libgit2, seeing the ref) refuses ours, which is what we want.
    if (auto again = repo.remote_refs(); again && already(*again)) return record;
    return failed(record,
                  Error{pushed.error().message,
                        "check that the server accepts pushes from this host (proposeRevert "
                        "credentials, branch protection); the next attempt is on a later pass"});
  }
  record.state = ProposalState::pushed;
  return record;
}

void Proposer::record(const ProposalRecord& made, const Quarantine& quarantine) const {
  const std::string& service = made.evidence.service;
  const bool ok = made.state != ProposalState::failed && made.state != ProposalState::unavailable;
  JournalEntry entry{now_rfc3339(),
                     made.evidence.state_commit,
                     service,
                     "revert-proposal",
                     std::nullopt,
                     JournalRelease{quarantine.version, quarantine.commit, quarantine.dir_name},
                     ok ? "ok" : "failed",
                     ok ? "" : made.error,
                     summary(made)};
  if (Status logged = Journal(m_layout.journal()).append(entry); !logged) {
    log_warn("journal write failed", {{"error", logged.error().describe()}});
  }
  const std::initializer_list<LogField> fields = {
      {"service", service},
      {"state", to_string(made.state)},
      {"branch", made.branch},
      {"revertedCommit", made.evidence.reverted_commit.substr(0, 12)},
      {"revertCommit", made.revert_commit.substr(0, 12)},
      {"stateCommit", made.evidence.state_commit.substr(0, 12)},
      {"error", made.error}};
  if (ok) {
    log_info("revert proposal: " + summary(made), fields);
  } else {
    log_warn("revert proposal: " + summary(made), fields);
  }
}

}  // namespace tether::proposal
