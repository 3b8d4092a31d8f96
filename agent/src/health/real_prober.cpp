// Where each probe kind is dispatched to its implementation (one file per kind: http_probe.cpp,
// tcp_probe.cpp, exec_probe.cpp,
// notify_sockets.cpp). A new kind in model/probe.hpp fails to compile here until it
// has its line.
#include "core/overloaded.hpp"
#include "health/notify_sockets.hpp"
#include "health/probe.hpp"

namespace tether {

ProbeResult RealProber::probe(const Probe& probe,
                              Millis timeout,
                              const std::filesystem::path& release_dir) {
  return std::visit(
      Overloaded{
          [&](const HttpProbe& http) { return probe_http(http, timeout); },
          [&](const TcpProbe& tcp) { return probe_tcp(tcp, timeout); },
          [&](const ExecProbe& exec) { return probe_exec(exec, timeout, release_dir, m_runner); },
          [&](const NotifyProbe& notify) { return probe_notify(notify, release_dir, m_notify); },
      },
      probe);
}

}  // namespace tether
