#include "server.hpp"

#include "notify.hpp"
#include "request_metrics.hpp"

#include <httplib.h>

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <netinet/in.h>
#include <optional>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace hello {
namespace {

void add_routes(httplib::Server& server,
                const Config& config,
                const std::string& version,
                Health health,
                RequestMetrics& metrics) {
  const std::string banner = config.message + " " + version + "\n";
  server.Get("/", [banner, &metrics](const httplib::Request&, httplib::Response& response) {
    const auto start = std::chrono::steady_clock::now();
    if (metrics.next_fails()) {
      response.status = 500;
      response.set_content("failing on purpose (HELLO_FAIL_RATE or FAIL_RATE)\n", "text/plain");
    } else {
      response.status = 200;  // httplib fills in 200 only after the handler, too late to count
      response.set_content(banner, "text/plain");
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    metrics.observe(response.status, took.count());
  });
  server.Get("/metrics", [version, &metrics](const httplib::Request&, httplib::Response& response) {
    response.set_content(metrics.render(version), "text/plain; version=0.0.4");
  });
  server.Get("/healthz", [health](const httplib::Request&, httplib::Response& response) {
    if (health == Health::failing) {
      response.status = 500;
      response.set_content("unhealthy\n", "text/plain");
      return;
    }
    response.set_content("ok\n", "text/plain");
  });
  server.Get("/version", [version](const httplib::Request&, httplib::Response& response) {
    response.set_content(version + "\n", "text/plain");
  });
}

/// An httplib::Server that can serve a listening socket it was handed (LISTEN_FDS). Such a
/// socket is shared with the release that takes over, so stopping must not shut it down:
/// httplib's stop() calls shutdown(2), which ends the listen for every process that holds the
/// socket. let_go() only closes this process's copy; the queue stays with the others.
///
/// A socket that never gets a connection stands in for the handed one rather than none:
/// httplib serves an accepted connection only while its server socket is valid, so with none
/// a connection accepted just before the stop would be closed unanswered. With the stand-in
/// the accept loop ends (accept(2) on it fails) and every accepted connection is answered.
class HandedServer : public httplib::Server {
 public:
  void adopt(socket_t fd) { svr_sock_ = fd; }
  void let_go() {
    const socket_t stand_in = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const socket_t fd = svr_sock_.exchange(stand_in);
    if (fd != INVALID_SOCKET) ::close(fd);
  }
};

/// "127.0.0.1:8080", where `fd` is bound.
std::string bound_address(int fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
      address.sin_family != AF_INET)
    return "fd " + std::to_string(fd);
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
  return std::string(text) + ":" + std::to_string(ntohs(address.sin_port));
}

/// The accept() of the listening thread returns EINTR on SIGUSR1 (no SA_RESTART), after
/// let_go(): it sees the socket gone and returns.
void on_wake(int) {}

void install_wake_handler() {
  struct sigaction action {};
  action.sa_handler = on_wake;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  ::sigaction(SIGUSR1, &action, nullptr);
}

/// cpp-httplib sets SO_REUSEPORT by default, which lets a second instance bind the same port and
/// share its traffic silently; a port already in use must be an error instead.
void reuse_address_only(socket_t socket) {
  int yes = 1;
  setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

/// Waits for SIGTERM/SIGINT (or a wake-up from main) and stops the server. Calling stop() before
/// listen_after_bind() is running would be a no-op, so wait until it runs or has returned.
/// A handed socket is let go instead, and the listening thread woken from its accept() until
/// it returned; in-flight requests finish either way (listen_after_bind waits for them).
void stop_on_signal(HandedServer& server,
                    bool handed,
                    pthread_t listener,
                    const std::atomic<bool>& listen_done,
                    std::atomic<bool>& signalled) {
  sigset_t set = stop_signals();
  int signal_number = 0;
  sigwait(&set, &signal_number);
  if (listen_done) return;
  signalled = true;
  if (handed) server.let_go();
  while (!listen_done) {
    if (handed) {
      pthread_kill(listener, SIGUSR1);
    } else if (server.is_running()) {
      server.stop();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(handed ? 10 : 1));
  }
}

}  // namespace

void block_stop_signals() {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int serve(const Config& config,
          const std::string& version,
          Health health,
          double fail_rate,
          std::optional<int> handed_fd) {
  // Blocked before any thread starts so that every thread inherits the mask and only sigwait()
  // in the stopper thread ever sees these signals: no async-signal-safety concerns.
  block_stop_signals();
  std::signal(SIGPIPE, SIG_IGN);
  install_wake_handler();

  HandedServer server;
  server.set_socket_options(reuse_address_only);
  // stop() waits for open connections; an idle keep-alive or silent client would otherwise hold
  // shutdown for the 5 s defaults, as long as a typical stopTimeout before SIGKILL.
  server.set_keep_alive_timeout(1);
  server.set_read_timeout(2, 0);
  server.set_write_timeout(2, 0);
  RequestMetrics metrics(fail_rate);
  add_routes(server, config, version, health, metrics);
  std::string where = config.bind + ":" + std::to_string(config.port);
  if (handed_fd) {
    server.adopt(*handed_fd);
    where = bound_address(*handed_fd) + " (handed over: LISTEN_FDS)";
  } else {
    errno = 0;
    if (!server.bind_to_port(config.bind, config.port)) {
      int error = errno;
      std::cerr << "hello: cannot listen on " << where << ": "
                << (error != 0 ? std::strerror(error) : "address not usable") << " ("
                << (error == EADDRINUSE ? "another process holds the port; stop it or change port="
                                        : "check bind= and port=")
                << " in " << config.file << ")\n";
      return 1;
    }
  }
  std::cout << "hello " << version << " listening on " << where << std::endl;
  // Ready once the port is bound (connections queue from now on); a failing build never is.
  if (health == Health::ok) announce_ready("listening on " + where);

  std::atomic<bool> listen_done = false;
  std::atomic<bool> signalled = false;
  std::thread stopper(stop_on_signal,
                      std::ref(server),
                      handed_fd.has_value(),
                      pthread_self(),
                      std::cref(listen_done),
                      std::ref(signalled));
  bool listened = server.listen_after_bind();
  listen_done = true;
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  // A handed socket's accept loop ends on the stand-in (let_go), which httplib reports as a
  // failure: after a stop signal that is the expected end.
  if ((!listened && !handed_fd) || !signalled) {
    std::cerr << "hello: server on " << where << " stopped unexpectedly\n";
    return 1;
  }
  return 0;
}

}  // namespace hello
