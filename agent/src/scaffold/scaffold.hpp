#pragma once

#include <string>
#include <vector>

namespace tether {

/// Which CI pipeline `tether init` puts into a new state repo.
enum class CiKind { github, gitlab, none };

/// One file of a new state repo: a path relative to the repo and its content.
struct ScaffoldFile {
  std::string path;
  std::string content;

  bool operator==(const ScaffoldFile&) const = default;
};

/// The files of a new, valid, empty state repo: services/, hosts/ and config/ (kept by
/// .gitkeep files), a README, the manifest JSON Schemas under .tether/schema/ with editor
/// settings that map them onto services/*.yaml and hosts/*.yaml, and the CI pipeline `ci`
/// (tether validate on every push, tether plan on pull requests). Pure: no I/O.
[[nodiscard]] std::vector<ScaffoldFile> state_repo_scaffold(CiKind ci, const std::string& branch);

/// "github", "gitlab", "none" -> CiKind; false for anything else.
[[nodiscard]] bool parse_ci_kind(const std::string& text, CiKind& kind);

}  // namespace tether
