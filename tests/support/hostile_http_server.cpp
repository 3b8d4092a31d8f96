#include "hostile_http_server.hpp"

#include <httplib.h>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace tether::test {

struct HostileHttpServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<bool> stopping{false};
};

namespace {

void add_routes(httplib::Server& server, const std::atomic<bool>& stopping) {
  server.Get(R"(/status/(\d+))", [](const httplib::Request& request, httplib::Response& response) {
    response.status = std::stoi(request.matches[1]);
    response.set_content("hostile test server says " + std::string(request.matches[1]),
                         "text/plain");
  });
  server.Get("/slow", [&stopping](const httplib::Request&, httplib::Response& response) {
    response.set_chunked_content_provider(
        "application/octet-stream", [&stopping](size_t, httplib::DataSink& sink) {
          if (stopping) return false;
          std::this_thread::sleep_for(std::chrono::milliseconds(500));  // a trickle: 2 bytes/s
          return sink.write("x", 1);
        });
  });
  server.Get("/truncated", [](const httplib::Request&, httplib::Response& response) {
    // Returning false from the provider after a partial write makes httplib drop the connection.
    response.set_content_provider(1024 * 1024,
                                  "application/octet-stream",
                                  [](size_t offset, size_t, httplib::DataSink& sink) {
                                    if (offset > 0) return false;
                                    return sink.write("0123456789", 10);
                                  });
  });
  server.Get("/endless", [&stopping](const httplib::Request&, httplib::Response& response) {
    response.set_chunked_content_provider(
        "application/octet-stream", [&stopping](size_t, httplib::DataSink& sink) {
          static const std::string block(64 * 1024, 'z');
          return !stopping && sink.write(block.data(), block.size());
        });
  });
  server.Get("/declared-huge", [](const httplib::Request&, httplib::Response& response) {
    response.set_content_provider(64LL * 1024 * 1024 * 1024,
                                  "application/octet-stream",
                                  [](size_t, size_t, httplib::DataSink& sink) {
                                    static const std::string block(64 * 1024, 'z');
                                    return sink.write(block.data(), block.size());
                                  });
  });
}

}  // namespace

HostileHttpServer::HostileHttpServer() : m_impl(std::make_unique<Impl>()) {
  Impl* impl = m_impl.get();
  add_routes(impl->server, impl->stopping);
  impl->port = impl->server.bind_to_any_port("127.0.0.1");
  if (impl->port <= 0) throw std::runtime_error("cannot bind the hostile HTTP test server");
  impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  // httplib's stop() is a no-op until listening has begun: wait, or teardown could hang.
  while (!impl->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

HostileHttpServer::~HostileHttpServer() {
  m_impl->stopping = true;
  m_impl->server.stop();
  m_impl->thread.join();
}

std::string HostileHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(m_impl->port) + path;
}

}  // namespace tether::test
