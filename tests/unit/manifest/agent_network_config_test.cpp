// agent.yaml `network:` and `verify.trustAnchor` (issue #19): values land in AgentConfig,
// defaults hold when absent, and a zero timeout is refused at its field.
#include "manifest/documents.hpp"

#include <gtest/gtest.h>

namespace tether::agent_network_config_test {
namespace {

using namespace std::chrono_literals;

const std::string k_head =
    "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"git://git.example.com/s.git\"}\n";

TEST(AgentNetworkConfig, DefaultsHoldWithoutTheBlock) {
  Diagnostics diagnostics;
  auto config = parse_agent_config("agent.yaml", k_head, diagnostics);
  ASSERT_TRUE(config) << diagnostics.describe();
  EXPECT_EQ(config->network, NetworkLimits{});
  EXPECT_EQ(config->network.connect_timeout, 15s);
  EXPECT_EQ(config->network.low_speed_bytes_per_second, 1024);
  EXPECT_EQ(config->trust_anchor, "");
}

TEST(AgentNetworkConfig, EveryKeyIsRead) {
  Diagnostics diagnostics;
  auto config = parse_agent_config(
      "agent.yaml",
      k_head +
          "verify: {allowedSigners: /etc/s, allCommits: true, trustAnchor: "
          "0123456789abcdef0123456789abcdef01234567}\n"
          "network: {connectTimeout: 3s, lowSpeedBytesPerSecond: 100, lowSpeedTime: 5s,\n"
          "          downloadDeadline: {base: 1m, perMiB: 500ms}}\n",
      diagnostics);
  ASSERT_TRUE(config) << diagnostics.describe();
  EXPECT_EQ(config->trust_anchor, "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(config->network.connect_timeout, 3s);
  EXPECT_EQ(config->network.low_speed_bytes_per_second, 100);
  EXPECT_EQ(config->network.low_speed_time, 5s);
  EXPECT_EQ(config->network.download_deadline_base, 1min);
  EXPECT_EQ(config->network.download_deadline_per_mib, 500ms);
}

TEST(AgentNetworkConfig, AZeroTimeoutIsRefusedAtItsField) {
  Diagnostics diagnostics;
  auto config =
      parse_agent_config("agent.yaml", k_head + "network: {connectTimeout: 0s}\n", diagnostics);
  EXPECT_FALSE(config);
  EXPECT_NE(diagnostics.describe().find("network.connectTimeout"), std::string::npos)
      << diagnostics.describe();
}

}  // namespace
}  // namespace tether::agent_network_config_test
