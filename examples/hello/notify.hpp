#pragma once

#include <string>

namespace hello {

/// Opt-in systemd-style readiness and watchdog (HELLO_NOTIFY=1), as a Type=notify service
/// does it with sd_notify(3), without libsystemd: when NOTIFY_SOCKET is set, sends
/// "READY=1" (with STATUS=) once called, and, when WATCHDOG_USEC is set, "WATCHDOG=1" every
/// WATCHDOG_USEC/2 from a thread of its own. HELLO_WATCHDOG_STOP_AFTER=N stops pinging after N
/// pings (the process keeps serving: a hung main loop, for watchdog tests). Does nothing
/// without HELLO_NOTIFY=1. serve() does not call it for a build failing health (FAIL_HEALTH):
/// such a build never says it is ready.
void announce_ready(const std::string& status);

}  // namespace hello
