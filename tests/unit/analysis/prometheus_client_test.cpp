// The Prometheus adapter against real loopback servers: a good answer, a body past the cap,
// a server that never answers, nobody listening. Every query ends within its deadline.
#include "analysis/prometheus_client.hpp"

#include "http_server.hpp"
#include "silent_server.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace tether::prometheus_client_test {
namespace {

using std::chrono::steady_clock;

PrometheusConfig config_for(const std::string& url, Millis timeout = Millis(2000)) {
  return PrometheusConfig{url, timeout};
}

TEST(PrometheusClient, EncodesTheQueryIntoTheUrl) {
  EXPECT_EQ(PrometheusClient::query_url("http://p:9090/", R"(x{a="b c"}[5m])"),
            "http://p:9090/api/v1/query?query=x%7Ba%3D%22b%20c%22%7D%5B5m%5D");
}

TEST(PrometheusClient, ReadsAnAnswer) {
  test::HttpFileServer server;
  server.add(
      "/api/v1/query",
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0.5"]}]}})");
  const QueryAnswer answer = PrometheusClient(config_for(server.url(""))).query("up");
  ASSERT_EQ(answer.kind, QueryAnswer::Kind::value) << answer.detail;
  EXPECT_DOUBLE_EQ(answer.value, 0.5);
  EXPECT_EQ(server.hits("/api/v1/query"), 1);
}

TEST(PrometheusClient, RefusesAnAnswerPastOneMebibyte) {
  test::HttpFileServer server;
  server.add("/api/v1/query", std::string(3 * 1024 * 1024, ' ') + "{}");
  const QueryAnswer answer = PrometheusClient(config_for(server.url(""))).query("up");
  EXPECT_EQ(answer.kind, QueryAnswer::Kind::error);
  EXPECT_NE(answer.detail.find("cannot ask Prometheus"), std::string::npos) << answer.detail;
}

TEST(PrometheusClient, AServerThatNeverAnswersIsAnErrorWithinTheTimeout) {
  test::SilentServer silent;
  const auto start = steady_clock::now();
  const QueryAnswer answer =
      PrometheusClient(config_for("http://127.0.0.1:" + std::to_string(silent.port()), Millis(500)))
          .query("up");
  EXPECT_EQ(answer.kind, QueryAnswer::Kind::error);
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(PrometheusClient, NobodyListeningIsAnError) {
  // Port 1 (tcpmux) is privileged and unused on these machines: the connect is refused.
  const QueryAnswer answer = PrometheusClient(config_for("http://127.0.0.1:1")).query("up");
  EXPECT_EQ(answer.kind, QueryAnswer::Kind::error);
  EXPECT_NE(answer.detail.find("127.0.0.1:1"), std::string::npos) << answer.detail;
}

}  // namespace
}  // namespace tether::prometheus_client_test
