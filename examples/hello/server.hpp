#pragma once

#include "config.hpp"

#include <optional>
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
/// answers 500. With `handed_fd` (a listening socket handed over by socket activation,
/// listen_fds.hpp) it serves that socket instead of binding config.bind:config.port. Prints one
/// "listening" line to stdout once the port is bound. Blocks SIGTERM/SIGINT for the whole
/// process (see block_stop_signals) and, when one arrives, stops accepting, finishes the
/// requests in flight and returns 0 (a handed socket is closed, never shut down: the release
/// that takes over accepts from it). Returns 1 with a message on stderr if the address cannot
/// be bound or the server fails.
[[nodiscard]] int serve(const Config& config,
                        const std::string& version,
                        Health health,
                        double fail_rate = 0,
                        std::optional<int> handed_fd = std::nullopt);

}  // namespace hello
