#include "preview/previewer.hpp"

#include "apply/history_store.hpp"
#include "apply/suspension_store.hpp"
#include "container/container_probe.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "live/live_probe.hpp"
#include "review/scratch_dir.hpp"
#include "source/git_source.hpp"
#include "source/ref_fetcher.hpp"
#include "source/ref_name.hpp"
#include "trust/tip_judge.hpp"

namespace tether::preview {
namespace {

PreviewError fail(PreviewFailure failure, Error error) { return {failure, std::move(error)}; }

bool is_commit_hex(const std::string& text) {
  return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

/// The commit the agent applied last (its last-good-commit file), "" when none.
std::string applied_commit(const Layout& layout) {
  auto text = read_file(layout.state_dir() / "last-good-commit");
  if (!text || text->size() < 40) return "";
  const std::string commit = text->substr(0, 40);
  return is_commit_hex(commit) ? commit : "";
}

PreviewFailure failure_of(RefFetchFailure failure) {
  switch (failure) {
    case RefFetchFailure::not_found:
      return PreviewFailure::unknown_ref;
    case RefFetchFailure::timed_out:
      return PreviewFailure::timed_out;
    case RefFetchFailure::unreachable:
      break;
  }
  return PreviewFailure::unreachable;
}

Signature signature_of(SignatureVerdict verdict) {
  switch (verdict) {
    case SignatureVerdict::not_required:
      return Signature::not_required;
    case SignatureVerdict::valid:
      return Signature::valid;
    case SignatureVerdict::unsigned_commit:
      return Signature::unsigned_commit;
    case SignatureVerdict::invalid:
      break;
  }
  return Signature::invalid;
}

/// The agent's verdict on `tip` (judge_tip, the agent's policy), except that a tip which does
/// not descend from the applied commit is still judged by its signatures: a PR branch is often
/// behind the applied commit, and `descendsFromApplied` reports that on its own.
TrustVerdict verdict(GitSource& source,
                     const std::string& tip,
                     const std::string& applied,
                     TrustPolicy policy) {
  policy.allow_non_fast_forward = true;
  const TipJudgement judgement = judge_tip(source, tip, applied, policy);
  TrustVerdict trust;
  trust.descends_from_applied = judgement.descends_from_applied;
  trust.signature = signature_of(judgement.signature);
  if (judgement.refusal) trust.detail = judgement.refusal->describe();
  return trust;
}

std::optional<Desired> load(GitSource& source,
                            const std::string& commit,
                            const HostIdentity& host,
                            std::string& problem) {
  auto snapshot = source.snapshot(commit);
  if (!snapshot) {
    problem = snapshot.error().describe();
    return std::nullopt;
  }
  Diagnostics diagnostics;
  auto desired = load_desired(*snapshot, host, diagnostics);
  if (!desired) problem = diagnostics.describe();
  return desired;
}

}  // namespace

PreviewOutcome Previewer::preview(const std::string& ref) const {
  if (const std::string expected = check_ref_name(ref); !expected.empty()) {
    return fail(PreviewFailure::bad_ref,
                {"ref: expected " + expected + ", got \"" + ref.substr(0, 100) + "\"",
                 "pass a branch name such as pr-42 or a ref such as refs/pull/42/head"});
  }
  const auto deadline = std::chrono::steady_clock::now() + m_settings.fetch_timeout;
  const Layout& layout = m_settings.layout;
  const std::string applied = applied_commit(layout);
  review::ScratchDir scratch("tether-preview");
  if (scratch.path().empty())
    return fail(PreviewFailure::unreachable, {"cannot create a temp dir for the preview", ""});
  GitSourceOptions options{
      scratch.path() / "repo.git", m_settings.repo_url, "main", {}, m_settings.repo_access};
  if (std::filesystem::exists(layout.mirror() / "objects"))
    options.alternate_objects = layout.mirror() / "objects";
  auto reader = GitSource::open(options);
  if (!reader) return fail(PreviewFailure::unreachable, reader.error());
  auto fetcher = RefFetcher::open(options.mirror, m_settings.repo_access);
  if (!fetcher) return fail(PreviewFailure::unreachable, fetcher.error());
  auto fetched = (*fetcher)->fetch(m_settings.repo_url, ref, applied, deadline);
  if (auto* error = std::get_if<RefFetchError>(&fetched))
    return fail(failure_of(error->failure), error->error);
  const FetchedRef& tip = std::get<FetchedRef>(fetched);

  PreviewInput input;
  input.host = m_settings.host.id;
  input.ref = ref;
  input.ref_name = tip.name;
  input.trust = verdict(**reader, tip.commit, applied, m_settings.trust);
  std::string problem;
  auto proposed = load(**reader, tip.commit, m_settings.host, problem);
  if (!proposed) {
    return fail(PreviewFailure::invalid_manifests,
                {"agents would refuse " + ref + " at " + tip.commit.substr(0, 12) + ": " + problem,
                 "fix the manifests on the branch (tether validate shows every problem)"});
  }
  input.proposed = std::move(*proposed);
  if (!applied.empty()) {
    std::string ignored;  // a baseline that cannot be read only means no drift is reported
    input.applied = load(**reader, applied, m_settings.host, ignored);
  }
  // Own cache, loaded from the agent's store and never saved: the store stays the agent's.
  HashCache hashes(layout.hash_cache());
  input.history = HistoryStore(layout.history()).load().value_or(History{});
  input.holds = SuspensionStore(layout.suspensions()).load_or_hold_all();
  input.now = now_rfc3339();
  input.live = probe_all(layout, hashes, input.history);
  if (m_containers != nullptr) {
    Desired declared = input.proposed;
    if (input.applied)
      declared.services.insert(input.applied->services.begin(), input.applied->services.end());
    probe_containers(declared, *m_containers, input.live);
  }
  Preview preview = make_preview(input);
  log_info("plan preview",
           {{"ref", ref},
            {"stateCommit", tip.commit.substr(0, 12)},
            {"signature", to_string(preview.trust.signature)}});
  return preview;
}

}  // namespace tether::preview
