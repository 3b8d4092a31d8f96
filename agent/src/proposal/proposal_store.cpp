#include "proposal/proposal_store.hpp"

#include "core/files.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

namespace tether::proposal {
namespace {

constexpr std::pair<ProposalState, const char*> k_states[] = {
    {ProposalState::pushed, "pushed"},
    {ProposalState::already_proposed, "already-proposed"},
    {ProposalState::recorded, "recorded"},
    {ProposalState::failed, "failed"},
    {ProposalState::unavailable, "unavailable"},
};

nlohmann::json evidence_json(const Evidence& e) {
  return {{"host", e.host},
          {"service", e.service},
          {"failingVersion", e.failing_version},
          {"failingCommit", e.failing_commit},
          {"rolledBackTo", e.rolled_back_to},
          {"probe", e.probe},
          {"lastError", e.last_error},
          {"time", e.time},
          {"stateCommit", e.state_commit},
          {"revertedCommit", e.reverted_commit},
          {"revertedSubject", e.reverted_subject},
          {"journal", e.journal}};
}

Evidence evidence_of(const nlohmann::json& j) {
  Evidence e;
  e.host = j.value("host", "");
  e.service = j.value("service", "");
  e.failing_version = j.value("failingVersion", "");
  e.failing_commit = j.value("failingCommit", "");
  e.rolled_back_to = j.value("rolledBackTo", "");
  e.probe = j.value("probe", "");
  e.last_error = j.value("lastError", "");
  e.time = j.value("time", "");
  e.state_commit = j.value("stateCommit", "");
  e.reverted_commit = j.value("revertedCommit", "");
  e.reverted_subject = j.value("revertedSubject", "");
  if (j.contains("journal") && j["journal"].is_array()) {
    for (const auto& line : j["journal"]) {
      if (line.is_string()) e.journal.push_back(line.get<std::string>());
    }
  }
  return e;
}

nlohmann::json record_json(const ProposalRecord& r) {
  return {{"quarantineDir", r.quarantine_dir},
          {"specDigest", r.spec_digest},
          {"state", to_string(r.state)},
          {"branch", r.branch},
          {"revertCommit", r.revert_commit},
          {"error", r.error},
          {"attempts", r.attempts},
          {"time", r.time},
          {"nextAttemptUnix", r.next_attempt_unix},
          {"evidence", evidence_json(r.evidence)}};
}

ProposalRecord record_of(const nlohmann::json& j) {
  ProposalRecord r;
  r.quarantine_dir = j.value("quarantineDir", "");
  r.spec_digest = j.value("specDigest", "");
  r.state = state_from_string(j.value("state", "")).value_or(ProposalState::failed);
  r.branch = j.value("branch", "");
  r.revert_commit = j.value("revertCommit", "");
  r.error = j.value("error", "");
  r.attempts = j.value("attempts", 0);
  r.time = j.value("time", "");
  r.next_attempt_unix = j.value("nextAttemptUnix", 0LL);
  if (j.contains("evidence") && j["evidence"].is_object()) r.evidence = evidence_of(j["evidence"]);
  return r;
}

}  // namespace

const char* to_string(ProposalState state) {
  for (const auto& [value, name] : k_states) {
    if (value == state) return name;
  }
  return "failed";
}

std::optional<ProposalState> state_from_string(const std::string& text) {
  for (const auto& [value, name] : k_states) {
    if (text == name) return value;
  }
  return std::nullopt;
}

std::string summary(const ProposalRecord& r) {
  switch (r.state) {
    case ProposalState::pushed:
      return "pushed branch " + r.branch;
    case ProposalState::already_proposed:
      return "branch " + r.branch + " already proposed by another host";
    case ProposalState::recorded:
      return "recorded only (proposeRevert.push is false): branch " + r.branch + " not pushed";
    case ProposalState::failed:
      return "proposal" + (r.branch.empty() ? std::string() : " of branch " + r.branch) +
             " failed (attempt " + std::to_string(r.attempts) +
             (r.next_attempt_unix != 0 ? ", retried later" : ", not retried again") +
             "): " + r.error;
    case ProposalState::unavailable:
      break;
  }
  return "no revert to propose: " + r.error;
}

Result<Proposals> ProposalStore::load() const {
  if (!std::filesystem::exists(m_path)) return Proposals{};
  auto text = read_file(m_path);
  if (!text) return text.error();
  try {
    Proposals proposals;
    const nlohmann::json json = nlohmann::json::parse(*text);
    for (const auto& [service, record] : json.items()) {
      if (record.is_object()) proposals[service] = record_of(record);
    }
    return proposals;
  } catch (const nlohmann::json::exception& e) {
    return Error{m_path.string() + " is not valid JSON: " + e.what(),
                 "move it aside; the agent proposes the reverts of current quarantines again"};
  }
}

Status ProposalStore::save(const Proposals& proposals) const {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [service, record] : proposals) json[service] = record_json(record);
  if (Status made = make_dirs(m_path.parent_path()); !made) return made;
  return write_file_atomic(m_path, json_text(json, 2) + "\n");
}

}  // namespace tether::proposal
