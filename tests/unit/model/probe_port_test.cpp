// Blue-green gates: the probe as written addresses the proxy; the gate's copy addresses the new
// release's own port, and nothing else of the probe changes.
#include "model/probe_port.hpp"

#include <gtest/gtest.h>

namespace tether::probe_port_test {
namespace {

TEST(ProbePort, ReplacesOrAddsTheUrlsPortAndKeepsTheRest) {
  const struct {
    const char* url;
    const char* expected;
  } cases[] = {
      {"http://127.0.0.1:8080/healthz", "http://127.0.0.1:18502/healthz"},
      {"http://localhost/healthz?full=1", "http://localhost:18502/healthz?full=1"},
      {"http://[::1]:8080/", "http://[::1]:18502/"},
      {"http://127.0.0.1:8080", "http://127.0.0.1:18502"},
  };
  for (const auto& c : cases) EXPECT_EQ(url_with_port(c.url, 18502), c.expected) << c.url;
}

TEST(ProbePort, MovesHttpAndTcpProbesAndLeavesOthersAlone) {
  HttpProbe http{"http://127.0.0.1:8080/healthz", 204, "ok"};
  const Probe moved = with_port(http, 18501);
  EXPECT_EQ(std::get<HttpProbe>(moved).url, "http://127.0.0.1:18501/healthz");
  EXPECT_EQ(std::get<HttpProbe>(moved).status, 204);
  EXPECT_EQ(std::get<HttpProbe>(moved).body, "ok");
  EXPECT_EQ(std::get<TcpProbe>(with_port(TcpProbe{"127.0.0.1:8080"}, 18501)).address,
            "127.0.0.1:18501");
  EXPECT_EQ(address_with_port("[::1]:8080", 1), "[::1]:1");
  const Probe exec = ExecProbe{};
  EXPECT_EQ(with_port(exec, 18501), exec);
}

}  // namespace
}  // namespace tether::probe_port_test
