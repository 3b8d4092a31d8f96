#pragma once

#include "core/result.hpp"

#include <filesystem>
#include <string>

namespace tether::review {

/// Makes `dir` (which already holds the files) a new Git repository whose `branch` has one
/// commit of every file in it, authored by git's configured user or "tether
/// <tether@localhost>". Returns the commit's hex id. Fails if `dir` is already a repository.
[[nodiscard]] Result<std::string> init_with_first_commit(const std::filesystem::path& dir,
                                                         const std::string& branch,
                                                         const std::string& message);

}  // namespace tether::review
