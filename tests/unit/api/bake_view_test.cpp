// What /status and /metrics show of bakes: a baking service is never "converged", its values
// are valid JSON (no Inf), label values are escaped.
#include "api/bake_view.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace tether::bake_view_test {
namespace {

BakeBoard::Snapshot baking_hello() {
  BakeBoard board;
  board.begin("hello", "2.0.0", Millis(60000));
  board.round(
      "hello",
      Millis(3000),
      {QueryReading{"error-rate", "< 0.01", 0.5, QueryReading::Verdict::breach, ""},
       QueryReading{"p99",
                    "<= 0.25",
                    std::numeric_limits<double>::infinity(),
                    QueryReading::Verdict::breach,
                    ""},
       QueryReading{"qps", ">= 1", std::nullopt, QueryReading::Verdict::no_data, "empty vector"}});
  return board.snapshot();
}

TEST(BakeView, ABakingServiceReadsBakingWithItsQueries) {
  nlohmann::json status = {{"services", {{{"service", "hello"}, {"state", "converged"}}}}};
  overlay_bakes(status, baking_hello());
  const nlohmann::json& hello = status["services"][0];
  EXPECT_EQ(hello["state"], "baking");
  EXPECT_EQ(hello["analysis"]["version"], "2.0.0");
  EXPECT_EQ(hello["analysis"]["elapsedSeconds"], 3.0);
  EXPECT_EQ(hello["analysis"]["queries"][0]["value"], 0.5);
  EXPECT_EQ(hello["analysis"]["queries"][1]["value"], "+Inf");
  EXPECT_TRUE(hello["analysis"]["queries"][2]["value"].is_null());
  EXPECT_EQ(hello["analysis"]["queries"][2]["verdict"], "no data");
  EXPECT_NO_THROW((void)status.dump());
}

TEST(BakeView, AServiceNotListedYetIsAdded) {
  nlohmann::json status = {{"services", nlohmann::json::array()}};
  overlay_bakes(status, baking_hello());
  ASSERT_EQ(status["services"].size(), 1u);
  EXPECT_EQ(status["services"][0]["service"], "hello");
  EXPECT_EQ(status["services"][0]["state"], "baking");
}

TEST(BakeView, MetricsShowTheBakeValuesAndBreaches) {
  const std::string text = bake_metrics(baking_hello());
  EXPECT_NE(text.find("tether_analysis_baking{service=\"hello\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tether_analysis_value{service=\"hello\",query=\"error-rate\"} 0.5\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_analysis_value{service=\"hello\",query=\"p99\"} +Inf\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tether_analysis_breaches_total{service=\"hello\",query=\"p99\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("query=\"qps\"} "), std::string::npos) << "no data: no value, no breach";
}

TEST(BakeView, TheBoardTellsItsListenerWhenABakeBegins) {
  BakeBoard board;
  std::string told;
  board.on_begin([&told](const std::string& service) { told = service; });
  board.begin("hello", "2.0.0", Millis(1000));
  EXPECT_EQ(told, "hello");
  board.end("hello");
  EXPECT_TRUE(board.snapshot().baking.empty());
}

}  // namespace
}  // namespace tether::bake_view_test
