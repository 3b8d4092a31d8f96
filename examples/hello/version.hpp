#pragma once

#include "outcome.hpp"

#include <string>

namespace hello {

/// The release version, read at run time (never compiled in) from `<exe dir>/../VERSION`, with
/// the executable resolved through /proc/self/exe, so one binary serves whatever release it was
/// unpacked into. Errors name the file when it is missing, empty or not a valid version.
[[nodiscard]] Outcome<std::string> read_release_version();

/// True when the release holds `<exe dir>/../<name>`: marker files that make a deliberately
/// broken build for tests and demos (FAIL_HEALTH, CRASH_AT_START; see make-release.sh).
[[nodiscard]] bool release_has_marker(const std::string& name);

/// The release's migration state for `hello migrate-status` (tether's spec.migrations): the
/// content of `<exe dir>/../MIGRATIONS`, checked like VERSION; an error when it is missing.
[[nodiscard]] Outcome<std::string> read_migration_state();

/// Reads and checks the version file at `path`: trimmed, [A-Za-z0-9._+-]{1,64}, no "..".
[[nodiscard]] Outcome<std::string> read_version_file(const std::string& path);

}  // namespace hello
