#include "process/lean_start.hpp"

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace tether {
namespace {

constexpr const char* k_gnutls_switch = "GNUTLS_NO_IMPLICIT_INIT";
/// Set only across our own exec: tells the new image that the switch is ours to remove.
constexpr const char* k_reexec_marker = "TETHER_REEXECUTED";

}  // namespace

void reexec_without_implicit_tls_init(char** argv) {
  if (std::getenv(k_reexec_marker) != nullptr) {
    ::unsetenv(k_gnutls_switch);
    ::unsetenv(k_reexec_marker);
    return;
  }
  if (std::getenv(k_gnutls_switch) != nullptr) return;
  if (::setenv(k_gnutls_switch, "1", 1) != 0 || ::setenv(k_reexec_marker, "1", 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // No /proc, or the binary was replaced under us: run with the constructor's work done.
  ::unsetenv(k_gnutls_switch);
  ::unsetenv(k_reexec_marker);
}

}  // namespace tether
