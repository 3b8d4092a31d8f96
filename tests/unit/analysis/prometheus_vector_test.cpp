// Prometheus' answers to a query selecting a whole family (`tether fleet --prometheus`): every
// sample with its labels, and a clear error for whatever a broken or hostile server sends.
#include "analysis/prometheus_answer.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tether::prometheus_vector_test {
namespace {

std::string family_answer(const std::string& samples) {
  return R"({"status":"success","data":{"resultType":"vector","result":[)" + samples + "]}}";
}

TEST(PrometheusVector, EverySampleWithItsLabels) {
  const auto samples = parse_vector_answer(
      family_answer(R"({"metric":{"instance":"a:1","service":"web"},"value":[1.5,"1"]},)"
                    R"({"metric":{"instance":"b:1"},"value":[1.5,"NaN"]})"),
      200);
  ASSERT_TRUE(samples) << samples.error().describe();
  ASSERT_EQ(samples->size(), 2u);
  EXPECT_EQ((*samples)[0].labels.at("instance"), "a:1");
  EXPECT_EQ((*samples)[0].labels.at("service"), "web");
  EXPECT_EQ((*samples)[0].value, 1);
  EXPECT_TRUE(std::isnan((*samples)[1].value));
}

TEST(PrometheusVector, AnEmptyVectorIsNoSamples) {
  const auto samples = parse_vector_answer(family_answer(""), 200);
  ASSERT_TRUE(samples);
  EXPECT_TRUE(samples->empty());
}

TEST(PrometheusVector, BrokenAnswersAreErrorsThatSayWhat) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<html>hello</html>", "not JSON"},
      {R"([1,2,3])", "Prometheus answered"},
      {R"({"status":"success"})", "without data"},
      {R"({"status":"success","data":[]})", "without data"},
      {R"({"status":"success","data":{"resultType":"matrix","result":[]}})", "vector"},
      {R"({"status":"success","data":{"resultType":"vector","result":{}}})", "vector"},
      {family_answer(R"(7)"), "without metric labels"},
      {family_answer(R"({"metric":{"instance":1},"value":[1,"1"]})"), "not a string"},
      {family_answer(R"({"metric":{},"value":[1,1]})"), "not [time"},
      {family_answer(R"({"metric":{},"value":[1,"one"]})"), "not a number"},
      {R"({"status":"error","errorType":"bad_data","error":"parse error"})", "bad_data"},
  };
  for (const auto& [body, expected] : cases) {
    const auto samples = parse_vector_answer(body, 200);
    ASSERT_FALSE(samples) << body;
    EXPECT_NE(samples.error().describe().find(expected), std::string::npos)
        << body << " -> " << samples.error().describe();
  }
  const auto refused = parse_vector_answer("busy", 503);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("HTTP 503"), std::string::npos);
}

}  // namespace
}  // namespace tether::prometheus_vector_test
