#include "http_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace tether::test {
namespace {

constexpr size_t k_piece = 16 * 1024;  ///< what a slow body sends per pause

}  // namespace

struct HttpFileServer::Impl {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  mutable std::mutex mutex;
  std::map<std::string, std::string> bodies;
  std::map<std::string, size_t> rates;  ///< bytes per second of the slow bodies
  std::map<std::string, int> hits;
  bool unavailable = false;
};

HttpFileServer::HttpFileServer() : m_impl(std::make_unique<Impl>()) {
  Impl* impl = m_impl.get();
  impl->server.Get(".*", [impl](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(impl->mutex);
    ++impl->hits[request.path];
    if (impl->unavailable) {
      response.status = 503;
      response.set_content("down for maintenance", "text/plain");
      return;
    }
    const auto it = impl->bodies.find(request.path);
    if (it == impl->bodies.end()) {
      response.status = 404;
      response.set_content("not found", "text/plain");
      return;
    }
    const auto rate = impl->rates.find(request.path);
    if (rate == impl->rates.end()) {
      response.set_content(it->second, "application/octet-stream");
      return;
    }
    const auto pause = std::chrono::microseconds(1'000'000 * k_piece / rate->second);
    response.set_content_provider(
        it->second.size(),
        "application/octet-stream",
        [body = it->second, pause](size_t offset, size_t length, httplib::DataSink& sink) {
          std::this_thread::sleep_for(pause);  // the route's rate: one piece per pause
          return sink.write(body.data() + offset, std::min(length, k_piece));
        });
  });
  impl->port = impl->server.bind_to_any_port("127.0.0.1");
  if (impl->port <= 0) throw std::runtime_error("cannot bind an HTTP test server");
  // bind_to_any_port already listens, so requests queue until the thread accepts them.
  impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  // httplib's stop() is a no-op until listening has begun: wait, or teardown could hang.
  while (!impl->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

HttpFileServer::~HttpFileServer() {
  m_impl->server.stop();
  m_impl->thread.join();
}

void HttpFileServer::set_unavailable(bool down) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->unavailable = down;
}

void HttpFileServer::add(const std::string& path, const std::string& body) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->bodies[path] = body;
}

void HttpFileServer::add_slow(const std::string& path,
                              const std::string& body,
                              size_t bytes_per_second) {
  std::lock_guard lock(m_impl->mutex);
  m_impl->bodies[path] = body;
  m_impl->rates[path] = bytes_per_second;
}

std::string HttpFileServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(m_impl->port) + path;
}

int HttpFileServer::hits(const std::string& path) const {
  std::lock_guard lock(m_impl->mutex);
  const auto it = m_impl->hits.find(path);
  return it == m_impl->hits.end() ? 0 : it->second;
}

}  // namespace tether::test
