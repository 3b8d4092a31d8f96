#pragma once

#include "core/layout.hpp"
#include "core/result.hpp"

#include <map>
#include <string>

namespace tether {

/// `<root>/services/<name>/migrations.json`: the migration state each release dir of a service
/// printed after the last switch to it (`spec.migrations.command`). Kept outside the release
/// dirs, which hold what an artifact shipped: a release cannot forge its own record.
[[nodiscard]] fs::path migration_record_path(const Layout& layout, const std::string& service);

/// Release dir name -> state; empty when there is no record or it cannot be read (a damaged
/// record flags nothing: it is rewritten at the next switch).
[[nodiscard]] std::map<std::string, std::string> read_migration_states(const Layout& layout,
                                                                       const std::string& service);

/// Records that `dir` printed `state` (written to a temp file and renamed over: never torn).
/// Entries of release dirs that no longer exist are dropped.
[[nodiscard]] Status record_migration_state(const Layout& layout,
                                            const std::string& service,
                                            const std::string& dir,
                                            const std::string& state);

}  // namespace tether
