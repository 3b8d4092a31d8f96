// spec.switch.strategy: blue-green on a container service as the agent reads it: the one
// container port given alone is accepted, anything blue-green cannot publish at its own two
// ports is refused naming the field.
#include "manifest/documents.hpp"

#include <gtest/gtest.h>

namespace tether::container_blue_green_reader_test {
namespace {

std::string container_manifest(const std::string& ports, const std::string& health) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\n"
         "spec:\n"
         "  container:\n    image: \"r.example/web@sha256:" +
         std::string(64, 'a') + "\"\n" + ports + health +
         "  switch:\n    strategy: blue-green\n    blueGreen:\n      ports: [18501, 18502]\n"
         "      haproxy: {socket: /run/haproxy/admin.sock, backend: app, server: live}\n";
}

const std::string k_http = "  health:\n    http: {url: \"http://127.0.0.1:8080/healthz\"}\n";

TEST(ContainerBlueGreenReader, AcceptsOneContainerPortGivenAlone) {
  for (const std::string port : {"\"8080\"", "\"8080/tcp\""}) {
    Diagnostics diagnostics;
    const auto service = parse_service("services/web.yaml",
                                       container_manifest("    ports: [" + port + "]\n", k_http),
                                       diagnostics);
    ASSERT_TRUE(service) << diagnostics.describe();
    EXPECT_EQ(service->switch_spec.strategy, SwitchStrategyKind::blue_green);
    ASSERT_TRUE(service->switch_spec.blue_green);
    EXPECT_EQ(service->switch_spec.blue_green->ports, (std::array<int, 2>{18501, 18502}));
  }
}

TEST(ContainerBlueGreenReader, RefusesPortsBlueGreenCannotPublishNamingTheField) {
  struct Case {
    std::string ports;
    std::string health;
    std::string field;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"", k_http, "spec.container.ports", "exactly one port"},
      {"    ports: [\"8080\", \"9090\"]\n", k_http, "spec.container.ports", "exactly one port"},
      {"    ports: [\"127.0.0.1:18501:8080\"]\n",
       k_http,
       "spec.container.ports[0]",
       "the container port alone"},
      {"    ports: [\"8080/udp\"]\n", k_http, "spec.container.ports[0]", "alone"},
      {"    ports: [\"8080\"]\n",
       "  health:\n    exec: {command: [/bin/true]}\n",
       "spec.switch.strategy",
       "http or tcp health probe"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.ports + c.health);
    Diagnostics diagnostics;
    EXPECT_FALSE(
        parse_service("services/web.yaml", container_manifest(c.ports, c.health), diagnostics));
    const std::string text = diagnostics.describe();
    EXPECT_NE(text.find(c.field), std::string::npos) << text;
    EXPECT_NE(text.find(c.says), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace tether::container_blue_green_reader_test
