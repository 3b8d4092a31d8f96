// spec.switch.socketHandoff as the agent reads it: the sockets in order with their defaults,
// and every wrong value refused naming its field.
#include "manifest/documents.hpp"

#include <gtest/gtest.h>

namespace tether::socket_handoff_reader_test {
namespace {

std::string manifest(const std::string& health, const std::string& handoff) {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\n"
         "spec:\n"
         "  release:\n    version: \"1.0.0\"\n    commit: " +
         std::string(40, 'f') +
         "\n    artifact: {url: \"https://a.example/web.tgz\", sha256: " + std::string(64, 'd') +
         "}\n    binary: {path: bin/web, sha256: " + std::string(64, 'e') +
         "}\n"
         "  run:\n    exec:\n      command: [bin/web]\n" +
         health + "  switch:\n    strategy: socket-handoff\n    drainTimeout: 3s\n" + handoff;
}

const std::string k_notify = "  health:\n    notify: {}\n";

std::string problems(const std::string& text) {
  Diagnostics diagnostics;
  EXPECT_FALSE(parse_service("services/web.yaml", text, diagnostics).has_value()) << text;
  return diagnostics.describe();
}

TEST(SocketHandoffReader, ReadsTheSocketsInOrderWithTheLoopbackDefault) {
  Diagnostics diagnostics;
  const auto service = parse_service(
      "services/web.yaml",
      manifest(k_notify,
               "    socketHandoff:\n      sockets:\n        - {name: http, port: 8080}\n"
               "        - {name: admin.v2, address: 0.0.0.0, port: 9090}\n"),
      diagnostics);
  ASSERT_TRUE(service) << diagnostics.describe();
  EXPECT_EQ(service->switch_spec.strategy, SwitchStrategyKind::socket_handoff);
  EXPECT_EQ(service->switch_spec.drain_timeout, std::chrono::seconds(3));
  EXPECT_FALSE(service->switch_spec.blue_green);
  ASSERT_TRUE(service->switch_spec.socket_handoff);
  EXPECT_EQ(
      service->switch_spec.socket_handoff->sockets,
      (std::vector<HandoffSocket>{{"http", "127.0.0.1", 8080}, {"admin.v2", "0.0.0.0", 9090}}));
  EXPECT_STREQ(strategy_name(service->switch_spec.strategy), "socket-handoff");
}

TEST(SocketHandoffReader, RefusesWrongSocketsNamingTheField) {
  struct Case {
    std::string sockets;
    std::string field;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"[]", "spec.switch.socketHandoff.sockets", "1 to 16 sockets"},
      {"[{name: http, port: 0}]", "spec.switch.socketHandoff.sockets[0].port", "65535"},
      {"[{name: http, port: 65536}]", "spec.switch.socketHandoff.sockets[0].port", "65535"},
      {"[{name: \"a:b\", port: 80}]", "spec.switch.socketHandoff.sockets[0].name", "no ':'"},
      {"[{name: " + std::string(256, 'n') + ", port: 80}]",
       "spec.switch.socketHandoff.sockets[0].name",
       "1-255"},
      {"[{name: http, address: localhost, port: 80}]",
       "spec.switch.socketHandoff.sockets[0].address",
       "IPv4"},
      {"[{name: http, port: 80}, {name: http, port: 81}]",
       "spec.switch.socketHandoff.sockets[1].name",
       "already"},
      {"[{name: a, port: 80}, {name: b, port: 80}]",
       "spec.switch.socketHandoff.sockets[1].port",
       "127.0.0.1:80 is already declared"},
      {"[{name: a, port: 80, backlog: 5}]", "spec.switch.socketHandoff.sockets[0]", "backlog"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sockets);
    const std::string text =
        problems(manifest(k_notify, "    socketHandoff:\n      sockets: " + c.sockets + "\n"));
    EXPECT_NE(text.find(c.field), std::string::npos) << text;
    EXPECT_NE(text.find(c.says), std::string::npos) << text;
  }
  std::string seventeen;
  for (int i = 0; i < 17; ++i)
    seventeen += (i ? ", " : "") +
                 ("{name: s" + std::to_string(i) + ", port: " + std::to_string(8000 + i) + "}");
  const std::string many =
      problems(manifest(k_notify, "    socketHandoff:\n      sockets: [" + seventeen + "]\n"));
  EXPECT_NE(many.find("1 to 16 sockets"), std::string::npos) << many;
}

TEST(SocketHandoffReader, NeedsItsSocketsHealthNotifyAndRunExec) {
  const std::string no_sockets = problems(manifest(k_notify, ""));
  EXPECT_NE(no_sockets.find("spec.switch.socketHandoff"), std::string::npos) << no_sockets;
  const std::string http =
      problems(manifest("  health:\n    http: {url: \"http://127.0.0.1:8080/healthz\"}\n",
                        "    socketHandoff: {sockets: [{name: http, port: 8080}]}\n"));
  EXPECT_NE(http.find("spec.health.notify"), std::string::npos) << http;
  EXPECT_NE(http.find("READY=1"), std::string::npos) << http;
  std::string systemd = manifest(k_notify, "    socketHandoff: {sockets: [{name: h, port: 1}]}\n");
  systemd.replace(systemd.find("    exec:\n      command: [bin/web]\n"),
                  std::string("    exec:\n      command: [bin/web]\n").size(),
                  "    systemd: {unit: web.service}\n");
  EXPECT_NE(problems(systemd).find("spec.run.exec"), std::string::npos) << problems(systemd);
  // socketHandoff belongs to its strategy.
  std::string restart = manifest(k_notify, "    socketHandoff: {sockets: [{name: h, port: 1}]}\n");
  restart.replace(restart.find("socket-handoff\n"), 15, "restart\n");
  EXPECT_NE(problems(restart).find("only with strategy: socket-handoff"), std::string::npos)
      << problems(restart);
}

}  // namespace
}  // namespace tether::socket_handoff_reader_test
