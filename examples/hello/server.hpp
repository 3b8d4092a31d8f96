#pragma once

#include "config.hpp"

#include <string>

namespace hello {

enum class Health { ok, failing };

/// Blocks SIGTERM/SIGINT in the calling thread and in every thread it starts later, so that
/// serve() receives them through sigwait(). Call first thing in main: a stop signal that arrives
/// during start-up then stops the server cleanly instead of killing the process.
void block_stop_signals();

/// Serves `GET /` (`<message> <version>\n`), `GET /healthz` (`ok\n`, or 500 when `health` is
/// `failing`), `GET /version` (`<version>\n`) and `GET /metrics` (request counts and latency of
/// `GET /`, request_metrics.hpp) on config.bind:config.port; a `fail_rate` share of `GET /`
/// answers 500. Prints one
/// "listening" line to stdout once the port is bound. Blocks SIGTERM/SIGINT for the whole
/// process (see block_stop_signals) and, when one arrives, stops the server and returns 0. Returns
/// 1 with a message on stderr if the address cannot be bound or the server fails.
[[nodiscard]] int serve(const Config& config,
                        const std::string& version,
                        Health health,
                        double fail_rate = 0);

}  // namespace hello
