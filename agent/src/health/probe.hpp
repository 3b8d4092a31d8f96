#pragma once

#include "core/duration.hpp"
#include "model/service.hpp"

#include <filesystem>
#include <string>

namespace tether {

class CommandRunner;
class NotifySockets;

/// One probe attempt: healthy or not, and what was seen (for logs and the journal).
struct ProbeResult {
  bool healthy = false;
  std::string detail;  ///< "HTTP 500 from http://...", "connection refused", ...
};

/// Runs one attempt of a health probe with a hard timeout. Behind an interface so the health
/// gate's timing logic is unit-tested with scripted results.
class Prober {
 public:
  virtual ~Prober() = default;
  [[nodiscard]] virtual ProbeResult probe(const Probe& probe,
                                          Millis timeout,
                                          const std::filesystem::path& release_dir) = 0;
};

/// The real probes: http (libcurl), tcp (non-blocking connect), exec (CommandRunner, argv run
/// in the release dir; exit 0 = healthy), notify (`notify`'s sockets; without them a notify
/// probe fails).
class RealProber final : public Prober {
 public:
  explicit RealProber(CommandRunner& runner, NotifySockets* notify = nullptr)
      : m_runner(runner), m_notify(notify) {}
  [[nodiscard]] ProbeResult probe(const Probe& probe,
                                  Millis timeout,
                                  const std::filesystem::path& release_dir) override;

 private:
  CommandRunner& m_runner;
  NotifySockets* m_notify;
};

[[nodiscard]] ProbeResult probe_http(const HttpProbe& probe, Millis timeout);
[[nodiscard]] ProbeResult probe_tcp(const TcpProbe& probe, Millis timeout);
[[nodiscard]] ProbeResult probe_exec(const ExecProbe& probe,
                                     Millis timeout,
                                     const std::filesystem::path& release_dir,
                                     CommandRunner& runner);

}  // namespace tether
