// Prometheus' answers to an instant query, canned: values, no data, and everything a broken or
// hostile server might send instead.
#include "analysis/prometheus_answer.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace tether::prometheus_answer_test {
namespace {

std::string vector_of(const std::string& samples) {
  return R"({"status":"success","data":{"resultType":"vector","result":[)" + samples + "]}}";
}

std::string sample(const std::string& value) {
  return R"({"metric":{"instance":"h"},"value":[1700000000.1,")" + value + R"("]})";
}

TEST(PrometheusAnswer, OneSampleIsItsValue) {
  const QueryAnswer answer = parse_query_answer(vector_of(sample("0.125")), 200);
  ASSERT_EQ(answer.kind, QueryAnswer::Kind::value) << answer.detail;
  EXPECT_DOUBLE_EQ(answer.value, 0.125);
}

TEST(PrometheusAnswer, AScalarIsItsValue) {
  const QueryAnswer answer = parse_query_answer(
      R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"3"]}})", 200);
  ASSERT_EQ(answer.kind, QueryAnswer::Kind::value) << answer.detail;
  EXPECT_DOUBLE_EQ(answer.value, 3);
}

TEST(PrometheusAnswer, EmptyVectorAndNanAreNoData) {
  EXPECT_EQ(parse_query_answer(vector_of(""), 200).kind, QueryAnswer::Kind::no_data);
  EXPECT_EQ(parse_query_answer(vector_of(sample("NaN")), 200).kind, QueryAnswer::Kind::no_data);
}

TEST(PrometheusAnswer, InfinitiesAreValues) {
  const QueryAnswer plus = parse_query_answer(vector_of(sample("+Inf")), 200);
  ASSERT_EQ(plus.kind, QueryAnswer::Kind::value);
  EXPECT_TRUE(std::isinf(plus.value) && plus.value > 0);
  const QueryAnswer minus = parse_query_answer(vector_of(sample("-Inf")), 200);
  ASSERT_EQ(minus.kind, QueryAnswer::Kind::value);
  EXPECT_TRUE(std::isinf(minus.value) && minus.value < 0);
}

TEST(PrometheusAnswer, SeveralSamplesAreAnErrorThatSaysToAggregate) {
  const QueryAnswer answer = parse_query_answer(vector_of(sample("1") + "," + sample("2")), 200);
  EXPECT_EQ(answer.kind, QueryAnswer::Kind::error);
  EXPECT_NE(answer.detail.find("2 samples"), std::string::npos) << answer.detail;
}

TEST(PrometheusAnswer, PrometheusRefusalIsAnErrorWithItsWords) {
  const QueryAnswer answer = parse_query_answer(
      R"({"status":"error","errorType":"bad_data","error":"parse error at char 5"})", 400);
  EXPECT_EQ(answer.kind, QueryAnswer::Kind::error);
  EXPECT_NE(answer.detail.find("HTTP 400"), std::string::npos) << answer.detail;
  EXPECT_NE(answer.detail.find("parse error at char 5"), std::string::npos) << answer.detail;
}

TEST(PrometheusAnswer, EverythingElseIsAnError) {
  const std::pair<std::string, long> bodies[] = {
      {"", 200},
      {"not json", 200},
      {"<html>502 Bad Gateway</html>", 502},
      {vector_of(sample("0.1")), 503},
      {"[]", 200},
      {"42", 200},
      {R"({"status":"success"})", 200},
      {R"({"status":"success","data":[]})", 200},
      {R"({"status":7,"data":{}})", 200},
      {R"({"status":"error","errorType":5,"error":["x"]})", 422},
      {R"({"status":"success","data":{"resultType":"matrix","result":[]}})", 200},
      {R"({"status":"success","data":{"resultType":"string","result":[1,"x"]}})", 200},
      {R"({"status":"success","data":{"resultType":"vector","result":{}}})", 200},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}})", 200},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"value":[1,2]}]}})", 200},
      {R"({"status":"success","data":{"resultType":"vector","result":[{"value":"x"}]}})", 200},
      {vector_of(sample("1,5")), 200},
      {vector_of(sample("")), 200},
      {vector_of(sample("0x10")), 200},
      {std::string(100000, '['), 200},
  };
  for (const auto& [body, status] : bodies) {
    const QueryAnswer answer = parse_query_answer(body, status);
    EXPECT_EQ(answer.kind, QueryAnswer::Kind::error) << body.substr(0, 80);
    EXPECT_FALSE(answer.detail.empty()) << body.substr(0, 80);
  }
}

}  // namespace
}  // namespace tether::prometheus_answer_test
