#include "cli/init_command.hpp"

#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "core/files.hpp"
#include "review/init_repo.hpp"
#include "scaffold/scaffold.hpp"

#include <cstdio>
#include <filesystem>

namespace tether {
namespace {

namespace fs = std::filesystem;

/// A directory init may write into: absent, or empty (a fresh clone of an empty remote has
/// only .git, which --no-commit accepts).
Status check_target(const fs::path& dir, bool commit) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return ok_status();
  if (!fs::is_directory(dir, ec)) {
    return Error{dir.string() + " exists and is not a directory", "pass a new directory name"};
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!commit && entry.path().filename() == ".git") continue;
    return Error{dir.string() + " is not empty (it has " + entry.path().filename().string() + ")",
                 commit ? "pass a new or empty directory, or add --no-commit to write the files "
                          "into an existing empty clone"
                        : "pass a new or empty directory"};
  }
  if (ec) return Error{"cannot read " + dir.string() + ": " + ec.message(), ""};
  return ok_status();
}

Status write_files(const fs::path& dir, const std::vector<ScaffoldFile>& files) {
  for (const ScaffoldFile& file : files) {
    const fs::path path = dir / file.path;
    if (Status made = make_dirs(path.parent_path()); !made) return made.error();
    if (Status written = write_file_atomic(path, file.content); !written) return written.error();
  }
  return ok_status();
}

}  // namespace

int init_command(const InitFlags& flags) {
  CiKind ci = CiKind::github;
  if (!parse_ci_kind(flags.ci, ci)) {
    print_error(
        "init",
        Error{"--ci: expected github, gitlab or none, got " + flags.ci, "see tether init --help"});
    return k_exit_usage;
  }
  const fs::path dir = flags.dir;
  if (Status target = check_target(dir, flags.commit); !target) {
    print_error("init", target.error());
    return k_exit_usage;
  }
  const auto files = state_repo_scaffold(ci, flags.branch);
  if (Status written = write_files(dir, files); !written) {
    print_error("init", written.error());
    return k_exit_failed;
  }
  std::printf("wrote %zu files to %s\n", files.size(), dir.c_str());
  if (flags.commit) {
    auto commit = review::init_with_first_commit(dir, flags.branch, "New tether state repo\n");
    if (!commit) {
      print_error("init", commit.error());
      return k_exit_failed;
    }
    std::printf("first commit %s on %s\n", commit->substr(0, 12).c_str(), flags.branch.c_str());
  }
  std::printf(
      "next: add services/<name>.yaml (template in README.md), commit it, then\n"
      "  tether validate --repo %s HEAD\n",
      dir.c_str());
  return k_exit_ok;
}

}  // namespace tether
