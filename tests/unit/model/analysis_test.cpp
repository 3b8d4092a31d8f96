// spec.analysis' pure parts: conditions, and query templates whose values are data: a hostile
// host id or version cannot change the structure of the query.
#include "model/analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tether::analysis_test {
namespace {

TEST(AnalysisCondition, ParsesEachComparison) {
  const struct {
    const char* text;
    Comparison comparison;
    double threshold;
  } cases[] = {{"< 0.01", Comparison::less, 0.01},
               {"<=0.25", Comparison::less_equal, 0.25},
               {" >= 1 ", Comparison::greater_equal, 1},
               {"> -3", Comparison::greater, -3},
               {"== 0", Comparison::equal, 0},
               {"!= 0", Comparison::not_equal, 0},
               {"< 1e-3", Comparison::less, 0.001}};
  for (const auto& c : cases) {
    const auto parsed = parse_condition(c.text);
    ASSERT_TRUE(parsed) << c.text;
    EXPECT_EQ(parsed->comparison, c.comparison) << c.text;
    EXPECT_DOUBLE_EQ(parsed->threshold, c.threshold) << c.text;
  }
}

TEST(AnalysisCondition, RefusesWhatIsNotOneComparisonAndOneFiniteNumber) {
  for (const char* text : {"",
                           "0.01",
                           "< ",
                           "<< 1",
                           "=< 1",
                           "< 1 or 2",
                           "< abc",
                           "< nan",
                           "< inf",
                           "< 1e999",
                           "less than 1",
                           "= 1"}) {
    EXPECT_FALSE(parse_condition(text)) << text;
  }
}

TEST(AnalysisCondition, NanNeverHoldsInfinityComparesAsANumber) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(condition_holds(*parse_condition("< 1"), nan));
  EXPECT_FALSE(condition_holds(*parse_condition("!= 1"), nan));
  EXPECT_FALSE(condition_holds(*parse_condition("< 0.01"), inf));
  EXPECT_TRUE(condition_holds(*parse_condition(">= 1"), inf));
  EXPECT_TRUE(condition_holds(*parse_condition("< 0.01"), 0.0));
  EXPECT_FALSE(condition_holds(*parse_condition("< 0.01"), 0.01));
  EXPECT_TRUE(condition_holds(*parse_condition("<= 0.01"), 0.01));
}

TEST(AnalysisCondition, ReadsBackAsWritten) {
  EXPECT_EQ(to_string(*parse_condition("<=0.25")), "<= 0.25");
  EXPECT_EQ(to_string(*parse_condition(">= 1")), ">= 1");
}

TEST(PromqlTemplate, AcceptsKnownPlaceholdersInsideDoubleQuotes) {
  EXPECT_EQ(template_problem(R"(sum(rate(x{instance="{{host}}",svc="{{ service }}"}[1m])))"), "");
  EXPECT_EQ(template_problem(R"(x{v="{{version}}-{{commit}}",zone="{{label.zone}}"})"), "");
  EXPECT_EQ(template_problem(R"(x{a="\"{{host}}"})"), "") << "an escaped quote stays inside";
  EXPECT_EQ(template_problem("up"), "");
}

TEST(PromqlTemplate, NamesAnUnknownPlaceholder) {
  const std::string problem = template_problem(R"(x{a="{{hostname}}"})");
  EXPECT_NE(problem.find("unknown placeholder {{hostname}}"), std::string::npos) << problem;
  EXPECT_NE(template_problem(R"(x{a="{{label.}}"})"), "");
  EXPECT_NE(template_problem(R"(x{a="{{label.9x}}"})"), "");
}

TEST(PromqlTemplate, RefusesPlaceholdersOutsideADoubleQuotedString) {
  for (const char* text : {"x{a={{host}}}",
                           "{{host}}",
                           "x{a='{{host}}'}",
                           "x{a=`{{host}}`}",
                           R"(x{a="a"} or {{host}})",
                           R"(x{a="{{host}})",
                           R"(x{a="{{host})"}) {
    EXPECT_NE(template_problem(text), "") << text;
  }
}

TEST(PromqlTemplate, ExpandsWithValuesEscaped) {
  TemplateValues values{"web-01", "hello", "1.2.0", "abc", {{"zone", "eu-1"}}};
  EXPECT_EQ(
      expand_template(
          R"(x{i="{{host}}",s="{{service}}",v="{{ version }}",z="{{label.zone}}",m="{{label.missing}}"})",
          values),
      R"(x{i="web-01",s="hello",v="1.2.0",z="eu-1",m=""})");
}

TEST(PromqlTemplate, AHostileValueStaysInsideItsString) {
  // A host id crafted to close the matcher and add a selector of its own.
  TemplateValues values{R"(a"} or vector(0) or x{b="\)", "s", "v\n1", "", {}};
  const std::string query = expand_template(R"(sum(x{instance="{{host}}"}))", values);
  EXPECT_EQ(query, R"(sum(x{instance="a\"} or vector(0) or x{b=\"\\"}))");
  EXPECT_EQ(expand_template(R"(x{v="{{version}}"})", values), R"(x{v="v\n1"})");
  EXPECT_EQ(promql_escape(std::string("a\x01z", 3)), "a\\x01z");
}

}  // namespace
}  // namespace tether::analysis_test
