#include "process/command_runner.hpp"

#include "process/env_block.hpp"
#include "process/text_busy.hpp"

#include <cerrno>
#include <cstring>
#include <signal.h>
#include <unistd.h>

// clang-format off
#include <utility>  // before asio: Boost 1.74's asio uses std::exchange without it under C++20
// clang-format on

#include <boost/asio.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include <future>
#include <thread>

namespace tether {
namespace {

namespace bp = boost::process;

constexpr size_t k_max_output = 64 * 1024;
constexpr Millis k_drain_grace{200};

/// Keeps at most k_max_output bytes of a stream (the end is dropped, the child never blocks).
struct Capture {
  bp::async_pipe pipe;
  std::array<char, 4096> buffer{};
  std::string text;

  explicit Capture(boost::asio::io_context& io) : pipe(io) {}

  void read() {
    pipe.async_read_some(boost::asio::buffer(buffer),
                         [this](const boost::system::error_code& ec, size_t n) {
                           if (text.size() < k_max_output)
                             text.append(buffer.data(), std::min(n, k_max_output - text.size()));
                           if (!ec) read();
                         });
  }
};

/// Boost 1.74's child::wait_for can sleep through a SIGCHLD that arrived before it started
/// waiting and then block for the whole timeout: poll instead, starting fine and backing off.
bool wait_until_exit(bp::child& child, Millis timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Millis pause(1);
  std::error_code ec;
  while (child.running(ec)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, Millis(20));
  }
  return true;
}

std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  return bp::search_path(name).string();
}

}  // namespace

Result<CommandOutput> ProcessRunner::run(const Command& command) {
  if (command.argv.empty()) return Error{"internal: empty command", ""};
  const std::string program = resolve_program(command.argv[0]);
  if (program.empty()) return Error{command.argv[0] + ": not found in PATH", ""};
  boost::asio::io_context io;
  Capture out(io);
  Capture err(io);
  EnvBlock env(command.extra_env);
  bp::child child;
  const auto start = [&] {
    child = bp::child(
        bp::exe = program,
        bp::args = std::vector<std::string>(command.argv.begin() + 1, command.argv.end()),
        bp::start_dir =
            (command.working_dir.empty() ? std::filesystem::current_path() : command.working_dir)
                .string(),
        bp::std_in<bp::null, bp::std_out> out.pipe,
        bp::std_err > err.pipe,
        bp::extend::on_setup = [&env](auto& exec) { exec.env = env.envp(); },
        bp::extend::on_exec_setup =
            [](auto&) {
              ::setpgid(0, 0);
              sigset_t none;
              sigemptyset(&none);
              ::sigprocmask(SIG_SETMASK, &none, nullptr);
            });
  };
  try {
    // A release's program (a hook, an exec probe) may be briefly "text busy" while a service
    // of the same wave starts: process/text_busy.hpp.
    const int rc = retry_text_busy([&] {
      try {
        start();
        return 0;
      } catch (const bp::process_error& e) {
        if (e.code().value() == ETXTBSY) return ETXTBSY;
        throw;
      }
    });
    if (rc != 0) return Error{"cannot run " + command.argv[0] + ": " + std::strerror(rc), ""};
  } catch (const std::exception& e) {
    return Error{"cannot run " + command.argv[0] + ": " + e.what(), ""};
  }
  out.read();
  err.read();
  std::promise<void> drained;
  std::thread reader([&io, &drained] {
    io.run();
    drained.set_value();
  });
  CommandOutput output;
  if (!wait_until_exit(child, command.timeout)) {
    output.timed_out = true;
    ::kill(-child.id(), SIGKILL);  // the whole group: a probe's children must not linger
    child.wait();
  }
  // Anything the command left behind in its group would hold the pipes open (and outlive a
  // probe): end it, so the readers see EOF.
  ::kill(-child.id(), SIGKILL);
  // A descendant that left the group (setsid) may still hold the pipes: do not wait for it.
  if (drained.get_future().wait_for(k_drain_grace) != std::future_status::ready) io.stop();
  reader.join();
  if (!output.timed_out) output.exit_code = child.exit_code();
  if (!output.timed_out && child.native_exit_code() != 0 && !WIFEXITED(child.native_exit_code())) {
    output.exit_code = -1;
  }
  output.out = std::move(out.text);
  output.err = std::move(err.text);
  return output;
}

std::string describe_failure(const Command& command, const CommandOutput& output) {
  std::string text = command.argv.empty() ? "command" : command.argv[0];
  if (output.timed_out) return text + " timed out after " + format_duration(command.timeout);
  text += output.exit_code < 0 ? " was killed by a signal"
                               : " exited with status " + std::to_string(output.exit_code);
  const std::string& detail = output.err.empty() ? output.out : output.err;
  if (!detail.empty()) text += ": " + detail.substr(0, std::min(detail.find('\n'), size_t{300}));
  return text;
}

}  // namespace tether
