#include "api/api_server.hpp"

#include "live/hash_cache.hpp"
#include "report/status_json.hpp"

#include <httplib.h>

#include <mutex>
#include <thread>

namespace tether {

struct ApiServer::Impl {
  Layout layout;
  const Metrics& metrics;
  const StatusBoard& board;
  httplib::Server server;
  std::thread thread;
  std::mutex status_mutex;
  HashCache hashes;  ///< only touched under status_mutex

  Impl(Layout l, const Metrics& m, const StatusBoard& b)
      : layout(std::move(l)), metrics(m), board(b) {}

  void routes() {
    server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("ok\n", "text/plain");
    });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
      response.set_content(metrics.render(), "text/plain; version=0.0.4");
    });
    server.Get("/status", [this](const httplib::Request&, httplib::Response& response) {
      const std::optional<AgentStatus> agent = board.latest();
      std::lock_guard lock(status_mutex);
      const HostReport report = read_host_report(layout, hashes);
      response.set_content(status_json(report, agent ? &*agent : nullptr).dump(2) + "\n",
                           "application/json");
    });
  }
};

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Result<std::unique_ptr<ApiServer>> ApiServer::start(const std::string& listen,
                                                    Layout layout,
                                                    const Metrics& metrics,
                                                    const StatusBoard& board) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    return Error{"api.listen: expected HOST:PORT, got \"" + listen + "\"", ""};
  const std::string host = listen.substr(0, colon);
  const int port = std::stoi(listen.substr(colon + 1));
  auto impl = std::make_unique<Impl>(std::move(layout), metrics, board);
  impl->routes();
  // httplib reuses ports by default; a second agent must not silently share this one.
  impl->server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  if (!impl->server.bind_to_port(host.c_str(), port)) {
    return Error{"cannot listen on " + listen + " for the API",
                 "is another agent or program using that port?"};
  }
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  while (!impl->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

ApiServer::~ApiServer() {
  m_impl->server.stop();
  m_impl->thread.join();
}

}  // namespace tether
