#pragma once

#include <memory>
#include <string>

namespace tether::test {

/// An httplib::Server on a free loopback port (bound to port 0), serving fixed bodies from a
/// thread until scope exit. Unknown paths answer 404.
class HttpFileServer {
 public:
  HttpFileServer();
  ~HttpFileServer();
  HttpFileServer(const HttpFileServer&) = delete;
  HttpFileServer& operator=(const HttpFileServer&) = delete;

  /// Serves `body` at `path` ("/a.tar.gz") from now on.
  void add(const std::string& path, const std::string& body);
  /// Like add, but sends the body in 16 KiB pieces at about `bytes_per_second` (with its
  /// Content-Length): a long download for progress output.
  void add_slow(const std::string& path, const std::string& body, size_t bytes_per_second);
  /// While `down`, every request answers 503 Service Unavailable (a server that is down for
  /// maintenance, as a load balancer says it).
  void set_unavailable(bool down);
  /// http://127.0.0.1:<port><path>
  [[nodiscard]] std::string url(const std::string& path) const;
  /// How many GET requests reached `path` so far.
  [[nodiscard]] int hits(const std::string& path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tether::test
