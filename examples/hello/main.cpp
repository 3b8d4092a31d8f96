// hello: the example service tether deploys. Argument parsing and wiring only.
#include "config.hpp"
#include "listen_fds.hpp"
#include "request_metrics.hpp"
#include "server.hpp"
#include "version.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view k_usage =
    "usage: hello --config FILE\n"
    "       hello migrate-status\n"
    "\n"
    "Serves GET / (\"<message> <version>\"), /healthz and /version over HTTP.\n"
    "FILE holds key=value lines: port=8080 (required), bind=127.0.0.1, message=hello.\n"
    "The version is read from <directory of the executable>/../VERSION.\n"
    "HELLO_FAIL_HEALTH=1, or a FAIL_HEALTH file beside VERSION, makes /healthz answer 500;\n"
    "a CRASH_AT_START file beside VERSION makes hello exit 1 at start-up (broken builds for "
    "tests).\n"
    "GET /metrics counts GET / by code and latency (Prometheus text format); HELLO_FAIL_RATE=0.1,\n"
    "or a FAIL_RATE file beside VERSION holding 0.1, makes every 10th GET / answer 500.\n"
    "migrate-status prints the release's migration state, the MIGRATIONS file beside VERSION\n"
    "(for tether's spec.migrations.command), and exits 1 when there is none.\n"
    "HELLO_PORT=N overrides the config file's port (how tether's blue-green switch hands a\n"
    "release its port).\n"
    "Socket activation (LISTEN_FDS, LISTEN_PID: systemd's, or tether's socket-handoff switch):\n"
    "serves the listening socket at fd 3 instead of binding port=; on SIGTERM it stops\n"
    "accepting, finishes the requests in flight and exits, leaving the socket to the others.\n"
    "HELLO_NOTIFY=1 sends READY=1 to NOTIFY_SOCKET once listening (not when failing health)\n"
    "and WATCHDOG=1 every WATCHDOG_USEC/2 (sd_notify, as a systemd Type=notify service);\n"
    "HELLO_WATCHDOG_STOP_AFTER=N stops the pings after N (for watchdog tests).\n";

/// The --config argument, or nothing (after printing why) if the command line is not usable.
std::optional<std::string> config_path(int argc, char** argv) {
  std::optional<std::string> path;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--config") {
      if (i + 1 == argc) {
        std::cerr << "hello: --config needs a FILE argument\n" << k_usage;
        return std::nullopt;
      }
      path = argv[++i];
    } else if (arg.starts_with("--config=")) {
      path = std::string(arg.substr(std::strlen("--config=")));
    } else {
      std::cerr << "hello: unexpected argument '" << arg << "'\n" << k_usage;
      return std::nullopt;
    }
  }
  if (!path || path->empty()) std::cerr << "hello: --config FILE is required\n" << k_usage;
  return path && !path->empty() ? path : std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  hello::block_stop_signals();
  // Before any thread: it unsets LISTEN_* (a child must not take them for its own).
  const auto handed = hello::take_listen_fd();
  if (!handed.ok()) {
    std::cerr << "hello: " << handed.error() << "\n";
    return 1;
  }
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << k_usage;
    return 0;
  }
  if (argc == 2 && std::string_view(argv[1]) == "migrate-status") {
    auto state = hello::read_migration_state();
    if (!state.ok()) {
      std::cerr << "hello: " << state.error() << "\n";
      return 1;
    }
    std::cout << state.value() << "\n";
    return 0;
  }
  auto path = config_path(argc, argv);
  if (!path) return 1;
  auto loaded = hello::load_config(*path);
  if (!loaded.ok()) {
    std::cerr << "hello: " << loaded.error() << "\n";
    return 1;
  }
  hello::Config config = loaded.value();
  if (const char* port = std::getenv("HELLO_PORT"); port != nullptr) {
    // The override is checked like the file's port: a bad value is refused, not ignored.
    auto override = hello::parse_config("port=" + std::string(port), "HELLO_PORT");
    if (!override.ok()) {
      std::cerr << "hello: " << override.error() << "\n";
      return 1;
    }
    config.port = override.value().port;
  }
  auto version = hello::read_release_version();
  if (!version.ok()) {
    std::cerr << "hello: " << version.error() << "\n";
    return 1;
  }
  if (hello::release_has_marker("CRASH_AT_START")) {
    std::cerr << "hello " << version.value()
              << ": this build crashes at start-up (CRASH_AT_START)\n";
    return 1;
  }
  const char* fail_health = std::getenv("HELLO_FAIL_HEALTH");
  const bool failing = (fail_health != nullptr && std::string_view(fail_health) == "1") ||
                       hello::release_has_marker("FAIL_HEALTH");
  auto health = failing ? hello::Health::failing : hello::Health::ok;
  const auto fail_rate = hello::configured_fail_rate();
  if (!fail_rate.ok()) {
    std::cerr << "hello: " << fail_rate.error() << "\n";
    return 1;
  }
  return hello::serve(config, version.value(), health, fail_rate.value(), handed.value());
}
