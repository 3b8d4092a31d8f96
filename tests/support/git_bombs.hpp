#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace tether::test {

// Trees that are cheap to store and push but huge to read file by file, built with git
// plumbing (no files written out, nothing put in an index): what a hostile state repo commit
// can hold (issue #18, 6).

/// A tree of `count` entries f<i> that all name one blob of `blob_bytes` bytes: one object in
/// the pack, `count` files to a reader.
std::string repeated_blob_tree(const std::filesystem::path& work, int count, size_t blob_bytes);

/// A tree `width` entries wide and `depth` levels deep: width^depth files from depth tree
/// objects.
std::string fan_out_tree(const std::filesystem::path& work, int width, int depth);

/// Pushes (to origin's main) a commit on top of the work clone's HEAD whose tree holds `tree`
/// at config/<name>, and returns it. The clone itself moves on to a child of that commit with
/// HEAD's old tree, so its index and `git status` stay small; the next push carries both.
std::string push_config_tree(const std::filesystem::path& work,
                             const std::string& name,
                             const std::string& tree);

}  // namespace tether::test
