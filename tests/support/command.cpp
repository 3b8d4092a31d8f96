#include "command.hpp"

#include "child_env.hpp"

// clang-format off
#include <utility>  // before asio: Boost 1.74's asio uses std::exchange without it under C++20
// clang-format on

#include <boost/asio.hpp>
#include <boost/process.hpp>
#include <httplib.h>

#include <arpa/inet.h>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <netinet/in.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace tether::test {

namespace bp = boost::process;

CommandResult run_command(const std::vector<std::string>& argv,
                          const std::filesystem::path& cwd,
                          std::chrono::seconds timeout,
                          const std::map<std::string, std::string>& env) {
  boost::asio::io_context io;
  std::future<std::string> out;
  std::future<std::string> err;
  ChildEnv environment(env);
  const std::string exe =
      argv.at(0).find('/') == std::string::npos ? bp::search_path(argv[0]).string() : argv[0];
  if (exe.empty()) throw std::runtime_error("not found on PATH: " + argv[0]);
  bp::child child(bp::exe = exe,
                  bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()),
                  bp::start_dir = (cwd.empty() ? std::filesystem::current_path() : cwd).string(),
                  environment.on_setup(),
                  bp::std_in<bp::null, bp::std_out> out,
                  bp::std_err > err,
                  io);
  // Run the pipe readers on a thread so a timed-out child cannot block us.
  std::thread reader([&io] { io.run(); });
  // Poll rather than child.wait_for(): Boost 1.74's wait_for sigtimedwait()s for a SIGCHLD it
  // never blocked, so a child that exits before the wait starts costs the whole timeout.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::error_code ec;
  while (child.running(ec) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const bool finished = !child.running(ec);
  if (!finished) {
    child.terminate();
    reader.join();
    throw std::runtime_error("command timed out: " + argv[0]);
  }
  reader.join();
  return CommandResult{child.exit_code(), out.get(), err.get()};
}

std::string run_ok(const std::vector<std::string>& argv, const std::filesystem::path& cwd) {
  CommandResult result = run_command(argv, cwd);
  if (result.exit_code != 0) {
    std::string line;
    for (const auto& a : argv) line += a + " ";
    throw std::runtime_error("command failed (" + std::to_string(result.exit_code) + "): " + line +
                             "\nstdout: " + result.out + "\nstderr: " + result.err);
  }
  return result.out;
}

void make_ssh_key(const std::filesystem::path& path, const std::string& comment) {
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + ".pub");
  run_ok({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path.string()});
}

pid_t spawn_background(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(
      &actions, STDERR_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0)
    throw std::runtime_error("cannot start " + argv.at(0) + ": " + std::strerror(error));
  return pid;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool port_accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return connected;
}

std::string http_get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  client.set_read_timeout(2);
  auto response = client.Get(path.c_str());
  if (!response || response->status != 200) return "";
  return response->body;
}

}  // namespace tether::test
