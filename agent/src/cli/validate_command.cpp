#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "cli/review_commands.hpp"
#include "review/review_repo.hpp"
#include "review/scratch_dir.hpp"
#include "review/validate.hpp"

#include <cstdio>

namespace tether {
namespace {

int unreadable(const Error& problem) {
  print_error("validate", problem);
  return k_exit_unreachable;
}

}  // namespace

int validate_command(const ValidateFlags& flags) {
  if (flags.format != "text" && flags.format != "json") {
    std::fprintf(stderr,
                 "tether validate: --format: expected text or json, got %s (see tether validate "
                 "--help)\n",
                 flags.format.c_str());
    return k_exit_usage;
  }
  review::ScratchDir scratch("tether-validate");
  if (scratch.path().empty() && review::is_remote_location(flags.repo)) {
    return unreadable(Error{"cannot create a temp dir to fetch " + flags.repo + " into", ""});
  }
  auto repo = review::ReviewRepo::open(flags.repo, scratch.path());
  if (!repo) return unreadable(repo.error());
  auto commit = (*repo)->resolve(flags.rev);
  if (!commit) return unreadable(commit.error().with_context(flags.rev));
  auto snapshot = (*repo)->snapshot(*commit);
  if (!snapshot) return unreadable(snapshot.error());

  const review::ValidateOptions options{flags.strict ? review::SelectorPolicy::strict
                                                     : review::SelectorPolicy::warn};
  const review::ValidationReport report = review::validate_snapshot(*snapshot, options);
  const std::string out = flags.format == "json"
                              ? review::render_validation_json(report, flags.rev)
                              : review::render_validation_text(report, flags.rev);
  std::fputs(out.c_str(), stdout);
  return report.valid() ? k_exit_ok : k_exit_failed;
}

}  // namespace tether
