#include "process/lean_start.hpp"

#include <climits>

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
  // The binary's own path, not /proc/self/exe: exec names the process after the file, and
  // ps, top and pgrep must still say "tether".
  char self[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) return;
  self[length] = '\0';
  if (::setenv(k_gnutls_switch, "1", 1) != 0 || ::setenv(k_reexec_marker, "1", 1) != 0) return;
  ::execv(self, argv);
  // The binary was removed under us (an upgrade): run with the constructor's work done.
  ::unsetenv(k_gnutls_switch);
  ::unsetenv(k_reexec_marker);
}

}  // namespace tether
