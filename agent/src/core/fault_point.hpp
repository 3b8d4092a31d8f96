#pragma once

// Fault injection for crash tests. A named point in the apply path kills the agent with
// SIGKILL when the environment asks for it, so a test can prove that a crash at exactly that
// moment leaves the host on a complete release. Only test builds arm the points
// (TETHER_FAULT_INJECTION, ON in the dev and asan presets): in other builds fault_point.cpp
// compiles to constants and the environment is never read. Only that one file depends on the
// option, so switching it rebuilds one file, not the library.
//
//   TETHER_FAULT=<name>[:<nth>]          die at the nth time (default 1st) `name` is reached
//   TETHER_TEST_LIMITS=<name>=<n>[,...]  replace a production limit (a timeout, a size cap)
//                                        so tests can reach it in seconds

#include <string_view>

namespace tether::fault {

/// True when TETHER_FAULT names `name` and this is its nth hit in this process; always false
/// in builds without fault injection.
[[nodiscard]] bool hit(std::string_view name);
/// SIGKILLs this process at once (no destructors, no flushing: a power cut's view).
[[noreturn]] void die();
/// SIGKILLs this process when hit(name).
inline void point(std::string_view name) {
  if (hit(name)) die();
}
/// `production`, unless this is a test build and TETHER_TEST_LIMITS sets `name`.
[[nodiscard]] long long limit(std::string_view name, long long production);
/// True when this build has fault injection.
[[nodiscard]] bool enabled();

}  // namespace tether::fault
