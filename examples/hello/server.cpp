#include "server.hpp"

#include "notify.hpp"
#include "request_metrics.hpp"

#include <httplib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <iostream>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>

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
void stop_on_signal(httplib::Server& server,
                    const std::atomic<bool>& listen_done,
                    std::atomic<bool>& signalled) {
  sigset_t set = stop_signals();
  int signal_number = 0;
  sigwait(&set, &signal_number);
  if (listen_done) return;
  signalled = true;
  while (!listen_done) {
    if (server.is_running()) {
      server.stop();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

void block_stop_signals() {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int serve(const Config& config, const std::string& version, Health health, double fail_rate) {
  // Blocked before any thread starts so that every thread inherits the mask and only sigwait()
  // in the stopper thread ever sees these signals: no async-signal-safety concerns.
  block_stop_signals();
  std::signal(SIGPIPE, SIG_IGN);

  httplib::Server server;
  server.set_socket_options(reuse_address_only);
  // stop() waits for open connections; an idle keep-alive or silent client would otherwise hold
  // shutdown for the 5 s defaults, as long as a typical stopTimeout before SIGKILL.
  server.set_keep_alive_timeout(1);
  server.set_read_timeout(2, 0);
  server.set_write_timeout(2, 0);
  RequestMetrics metrics(fail_rate);
  add_routes(server, config, version, health, metrics);
  errno = 0;
  if (!server.bind_to_port(config.bind, config.port)) {
    int error = errno;
    std::cerr << "hello: cannot listen on " << config.bind << ":" << config.port << ": "
              << (error != 0 ? std::strerror(error) : "address not usable") << " ("
              << (error == EADDRINUSE ? "another process holds the port; stop it or change port="
                                      : "check bind= and port=")
              << " in " << config.file << ")\n";
    return 1;
  }
  std::cout << "hello " << version << " listening on " << config.bind << ":" << config.port
            << std::endl;
  // Ready once the port is bound (connections queue from now on); a failing build never is.
  if (health == Health::ok)
    announce_ready("listening on " + config.bind + ":" + std::to_string(config.port));

  std::atomic<bool> listen_done = false;
  std::atomic<bool> signalled = false;
  std::thread stopper(
      stop_on_signal, std::ref(server), std::cref(listen_done), std::ref(signalled));
  bool listened = server.listen_after_bind();
  listen_done = true;
  if (!signalled) pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (!listened || !signalled) {
    std::cerr << "hello: server on " << config.bind << ":" << config.port
              << " stopped unexpectedly\n";
    return 1;
  }
  return 0;
}

}  // namespace hello
