#pragma once

#include "core/result.hpp"

#include <string>
#include <string_view>

namespace tether {

/// The longest migration state a `spec.migrations.command` may print.
inline constexpr std::size_t k_migration_state_max = 128;

/// What a migrations command printed, checked: one line (a trailing newline is dropped), 1 to
/// 128 characters of [A-Za-z0-9._+-] ("0045", "0045_add_users", "20240101120000"). Anything
/// else is an Error naming what was wrong: a state tether cannot compare is never recorded.
[[nodiscard]] Result<std::string> migration_state_from_output(std::string_view output);

/// Orders two recorded migration states (<0: `a` is older). A state that starts with digits is
/// ordered by that number first ("0100" after "0045", "0045_add_users" equal to "0045": the
/// name is for people); otherwise, and between equal numbers with no digits, by version order
/// (core/version_order.hpp).
[[nodiscard]] int compare_migration_states(std::string_view a, std::string_view b);

/// "crosses migrations 0042..0045": how plan, status, the journal and errors say that a switch
/// goes from a release recorded at `newer` back to one recorded at `older`.
[[nodiscard]] std::string describe_migration_crossing(const std::string& older,
                                                      const std::string& newer);

}  // namespace tether
