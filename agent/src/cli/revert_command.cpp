#include "cli/commands.hpp"
#include "cli/review_commands.hpp"
#include "core/json_text.hpp"
#include "review/classify.hpp"
#include "review/plan_builder.hpp"
#include "review/render.hpp"
#include "review/revert_repo.hpp"
#include "review/scratch_dir.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace tether {
namespace {

namespace fs = std::filesystem;

struct RevertReport {
  std::string reverted;
  std::string onto_commit;
  std::string branch;
  review::RevertedCommit commit;
  std::optional<review::ReviewPlan> plan;  ///< absent when --onto's tip itself is invalid
  std::string plan_note;
  bool pushed = false;
};

int fail(int status, const std::string& message) {
  std::fprintf(stderr, "tether revert: %s\n", message.c_str());
  return status;
}

std::string pr_body(const RevertReport& report, const RevertFlags& flags) {
  std::string body = "This reverts commit " + report.reverted + " (\"" + report.commit.subject +
                     "\") on `" + flags.onto + "`.\n\n";
  if (report.plan) return body + review::render_markdown(*report.plan);
  return body + report.plan_note + "\n";
}

std::string push_text(const RevertReport& report, const RevertFlags& flags, const fs::path& dir) {
  if (report.pushed) return "pushed branch " + report.branch + " to " + flags.repo;
  if (!flags.workdir.empty()) {
    return "not pushed: pass --push, or run `git -C " + dir.string() + " push origin " +
           report.branch + "`";
  }
  return "not pushed (pass --push to publish the branch; the temp clone is removed now)";
}

void print_text(const RevertReport& report,
                const RevertFlags& flags,
                const fs::path& dir,
                review::PlanFormat format) {
  std::printf("reverted %s (\"%s\") on top of %s (%s): commit %s on branch %s\n%s\n\n",
              report.reverted.substr(0, 12).c_str(),
              report.commit.subject.c_str(),
              flags.onto.c_str(),
              report.onto_commit.substr(0, 12).c_str(),
              report.commit.commit.substr(0, 12).c_str(),
              report.branch.c_str(),
              push_text(report, flags, dir).c_str());
  if (report.plan) {
    std::fputs(review::render(*report.plan, format).c_str(), stdout);
  } else {
    std::printf("%s\n", report.plan_note.c_str());
  }
  const std::string title = report.commit.message.substr(0, report.commit.message.find('\n'));
  std::printf("\npull request title:\n%s\n\npull request body:\n%s",
              title.c_str(),
              pr_body(report, flags).c_str());
}

void print_json(const RevertReport& report, const RevertFlags& flags, const fs::path& dir) {
  nlohmann::ordered_json out;
  out["reverted"] = {{"commit", report.reverted}, {"subject", report.commit.subject}};
  out["onto"] = {{"branch", flags.onto}, {"commit", report.onto_commit}};
  out["branch"] = report.branch;
  out["commit"] = report.commit.commit;
  out["message"] = report.commit.message;
  out["pushed"] = report.pushed;
  out["workdir"] = flags.workdir.empty() ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json(dir.string());
  out["pull_request"] = {
      {"title", report.commit.message.substr(0, report.commit.message.find('\n'))},
      {"body", pr_body(report, flags)}};
  out["plan"] = report.plan ? nlohmann::ordered_json::parse(review::render_json(*report.plan))
                            : nlohmann::ordered_json(nullptr);
  out["plan_note"] = report.plan_note;
  std::puts(json_text(out, 2).c_str());
}

/// Where to clone: --workdir (must be new or empty) or a temp dir.
std::optional<fs::path> clone_dir(const RevertFlags& flags,
                                  const review::ScratchDir& scratch,
                                  std::string& problem) {
  if (flags.workdir.empty()) {
    if (scratch.path().empty()) problem = "cannot create a temp dir to clone into";
    return scratch.path() / "state";
  }
  std::error_code ec;
  if (fs::exists(flags.workdir, ec) && !fs::is_empty(flags.workdir, ec)) {
    problem = "--workdir " + flags.workdir + " is not empty; pass a new or empty directory";
  }
  return fs::absolute(flags.workdir, ec);
}

/// Plans --onto's tip -> the revert commit in the clone. Returns an exit status, or -1 to go on.
int plan_revert(const fs::path& dir, const RevertFlags& flags, RevertReport& report) {
  auto repo = review::ReviewRepo::open(dir.string(), {});
  if (!repo) return fail(k_exit_failed, repo.error().describe());
  const review::PlanRequest request{report.onto_commit, report.commit.commit, std::nullopt, 1000};
  review::PlanOutcome outcome = review::build_plan(**repo, request);
  if (auto* plan = std::get_if<review::ReviewPlan>(&outcome)) {
    plan->from_rev = flags.onto;
    plan->to_rev = report.branch;
    report.plan = std::move(*plan);
    return -1;
  }
  const auto& error = std::get<review::PlanError>(outcome);
  if (error.failure == review::PlanFailure::invalid_from) {
    // Reverting a bad commit is how an invalid tip gets fixed: go on, without a comparison.
    report.plan_note = "no plan: " + flags.onto + " is refused by the agents as it is (" +
                       error.message + "); the revert's manifests are valid";
    return -1;
  }
  if (error.failure == review::PlanFailure::invalid_to) {
    return fail(k_exit_invalid_input, error.message + "\nthe revert was not pushed");
  }
  return fail(k_exit_failed, error.message);
}

}  // namespace

int revert_command(const RevertFlags& flags) {
  if (flags.commit.empty() || flags.repo.empty()) {
    return fail(k_exit_usage, "pass COMMIT and --repo URL (or --proposal SERVICE on a host)");
  }
  const auto format = review::parse_plan_format(flags.format);
  if (!format) return fail(k_exit_usage, "--format: expected text, markdown or json");
  std::optional<review::Author> author;
  if (!flags.author.empty() && !(author = review::parse_author(flags.author))) {
    return fail(k_exit_usage, "--author: expected \"Name <email>\", got \"" + flags.author + "\"");
  }
  review::ScratchDir scratch("tether-revert");
  std::string problem;
  const auto dir = clone_dir(flags, scratch, problem);
  if (!problem.empty()) return fail(k_exit_usage, problem);
  auto repo = review::RevertRepo::clone(flags.repo, *dir);
  if (!repo) return fail(k_exit_unreachable, repo.error().describe());

  RevertReport report;
  auto reverted = (*repo)->resolve(flags.commit);
  if (!reverted) return fail(k_exit_invalid_input, "COMMIT: " + reverted.error().describe());
  report.reverted = *reverted;
  const auto onto = (*repo)->remote_branch(flags.onto);
  if (!onto) {
    return fail(k_exit_invalid_input,
                "--onto: branch " + flags.onto + " not found at " + flags.repo +
                    " (pass the branch the pull request targets)");
  }
  report.onto_commit = *onto;
  report.branch = flags.branch.empty() ? "revert-" + report.reverted.substr(0, 12) : flags.branch;
  if ((*repo)->remote_branch(report.branch)) {
    return fail(k_exit_failed,
                "branch " + report.branch + " already exists at " + flags.repo +
                    " (pass another --branch NAME, or delete the old branch)");
  }
  auto commit = (*repo)->revert({report.reverted, *onto, report.branch, flags.mainline, author});
  if (!commit) return fail(k_exit_failed, commit.error().describe());
  report.commit = *commit;
  if (const int status = plan_revert(*dir, flags, report); status >= 0) return status;
  if (flags.push) {
    if (Status pushed = (*repo)->push(report.branch); !pushed) {
      return fail(k_exit_failed, pushed.error().describe());
    }
    report.pushed = true;
  }
  if (*format == review::PlanFormat::json) {
    print_json(report, flags, *dir);
  } else {
    print_text(report, flags, *dir, *format);
  }
  return k_exit_ok;
}

}  // namespace tether
