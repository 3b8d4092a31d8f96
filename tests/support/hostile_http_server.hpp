#pragma once

#include <memory>
#include <string>

namespace tether::test {

/// An artifact server that misbehaves on purpose, on a free loopback port, until scope exit:
///   /status/<code>     answers <code> with a short body (404, 500, 403 ...)
///   /slow              headers, then one byte every 500 ms (a slow-loris)
///   /truncated         declares Content-Length 1 MiB, sends 10 bytes and hangs up
///   /endless           a chunked body without a length that never ends
///   /declared-huge     declares Content-Length 64 GiB
class HostileHttpServer {
 public:
  HostileHttpServer();
  ~HostileHttpServer();
  HostileHttpServer(const HostileHttpServer&) = delete;
  HostileHttpServer& operator=(const HostileHttpServer&) = delete;

  /// http://127.0.0.1:<port><path>
  [[nodiscard]] std::string url(const std::string& path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace tether::test
