#pragma once

#include "model/desired.hpp"
#include "source/state_source.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace tether {

/// How far back the history of a manifest is read for when its release came in.
inline constexpr size_t k_wave_history_limit = 500;

/// The entry of `history` (a manifest's first-parent history, newest first) that introduced
/// the release the newest entry declares: the oldest of the unbroken run of entries that
/// declare the same release (manifest/release_key.hpp). When the run reaches the end of what
/// was read, its last entry (later than the truth: waves come later, never earlier). nullopt
/// when the newest entry has no readable release.
[[nodiscard]] std::optional<size_t> release_introduced(const std::vector<FileVersion>& history);

/// Sets `start` and `start_commit` of every service of `desired.waves` from the history of
/// its manifest at `desired.state_commit`: the committer time of the commit that introduced
/// its release. Every host reads the same commit, so they agree without talking to each
/// other. When the history cannot be read, `fallback` (the time the agent loaded the commit:
/// later than any agreed time, so waves wait longer, never less) and a warning.
void set_wave_starts(StateSource& source, Desired& desired, std::chrono::sys_seconds fallback);

}  // namespace tether
