#pragma once

#include <string>

namespace tether {

struct InitFlags {
  std::string dir;
  std::string branch = "main";
  std::string ci = "github";  ///< github, gitlab or none
  bool commit = true;         ///< false: write the files only (for an existing repository)
};

/// `tether init DIR`: a new state repo with its first commit. Returns the exit status.
int init_command(const InitFlags& flags);

inline constexpr const char* k_init_footer =
    "\nWrites services/, hosts/ and config/, a README with a service template, the manifest\n"
    "JSON Schemas under .tether/schema/ (mapped onto services/*.yaml and hosts/*.yaml for\n"
    "editors by .vscode/settings.json), and the CI pipeline that runs `tether validate` and\n"
    "posts `tether plan` on pull requests. Then makes the first commit on --branch.\n"
    "DIR must be new or empty (with --no-commit it may be an existing Git work tree).\n"
    "\nExample:\n"
    "  tether init state && cd state && tether validate --repo . HEAD";

}  // namespace tether
