#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace tether::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

/// Runs argv (no shell) to completion with a timeout, capturing stdout and stderr. Throws if
/// it cannot start or times out (a hung command is a test failure, not a hang).
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::filesystem::path& cwd = {},
                          std::chrono::seconds timeout = std::chrono::seconds(120),
                          const std::map<std::string, std::string>& env = {});

/// Like run_command but throws with the output when the exit code is not 0.
std::string run_ok(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {});

/// A new ed25519 key pair without a passphrase at `path` and `path`.pub (ssh-keygen), replacing
/// any there.
void make_ssh_key(const std::filesystem::path& path, const std::string& comment = "tether-test");

/// Starts argv (no shell) in the background with stdout to /dev/null and stderr appended to
/// `log`; the caller reaps it. Throws if it cannot start.
pid_t spawn_background(const std::vector<std::string>& argv, const std::filesystem::path& log);

/// A free TCP port on 127.0.0.1 (bound and released; good enough for tests).
int free_port();

/// Whether `text` has `part` in it.
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// True when something accepts TCP connections on 127.0.0.1:port.
bool port_accepts(int port);

/// GET http://127.0.0.1:port/path; returns the body, or "" when nothing answers.
std::string http_get(int port, const std::string& path);

/// Polls `check` every 50 ms until it returns true or `timeout` passes.
template <typename Check>
bool eventually(Check check, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // between checks, not before one
  }
  return check();
}

}  // namespace tether::test
