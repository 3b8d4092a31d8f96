// The bake's decisions, pure (judge_round, its schedule) and through BakeRunner with a scripted
// Prometheus and a fake clock: a breach names its query, value and condition; no data follows
// the query's noData; an error never passes.
#include "analysis/bake_judge.hpp"
#include "analysis/bake_runner.hpp"
#include "fake_clock.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <mutex>

namespace tether::bake_test {
namespace {

QueryAnswer value(double v) { return QueryAnswer{QueryAnswer::Kind::value, v, ""}; }
QueryAnswer no_data() { return QueryAnswer{QueryAnswer::Kind::no_data, 0, "empty vector"}; }
QueryAnswer error(const std::string& why) { return QueryAnswer{QueryAnswer::Kind::error, 0, why}; }

AnalysisSpec spec_with(NoDataPolicy policy, Millis bake = Millis(3000)) {
  return AnalysisSpec{
      bake,
      Millis(1000),
      {AnalysisQuery{"error-rate", R"(x{i="{{host}}"})", *parse_condition("< 0.01"), policy}}};
}

TEST(BakeJudge, AValueInsideItsConditionGoesOnThenPasses) {
  const AnalysisSpec spec = spec_with(NoDataPolicy::wait);
  BakeMemory memory;
  EXPECT_EQ(judge_round(spec, {value(0)}, false, memory).outcome, BakeStep::Outcome::go_on);
  const BakeStep last = judge_round(spec, {value(0.001)}, true, memory);
  EXPECT_EQ(last.outcome, BakeStep::Outcome::passed);
  ASSERT_EQ(last.readings.size(), 1u);
  EXPECT_EQ(last.readings[0].verdict, QueryReading::Verdict::holds);
}

TEST(BakeJudge, ABreachNamesTheQueryItsValueAndTheCondition) {
  BakeMemory memory;
  const BakeStep step = judge_round(spec_with(NoDataPolicy::wait), {value(0.1)}, false, memory);
  EXPECT_EQ(step.outcome, BakeStep::Outcome::breached);
  EXPECT_EQ(step.reason, "analysis query error-rate = 0.1, needs < 0.01");
}

TEST(BakeJudge, NoDataFollowsThePolicy) {
  BakeMemory pass_memory;
  EXPECT_EQ(judge_round(spec_with(NoDataPolicy::pass), {no_data()}, true, pass_memory).outcome,
            BakeStep::Outcome::passed);
  BakeMemory fail_memory;
  const BakeStep failed =
      judge_round(spec_with(NoDataPolicy::fail), {no_data()}, false, fail_memory);
  EXPECT_EQ(failed.outcome, BakeStep::Outcome::breached);
  EXPECT_NE(failed.reason.find("noData: fail"), std::string::npos);
}

TEST(BakeJudge, WaitFailsAtTheEndOnlyWhenTheQueryNeverAnswered) {
  const AnalysisSpec spec = spec_with(NoDataPolicy::wait);
  BakeMemory never;
  EXPECT_EQ(judge_round(spec, {no_data()}, false, never).outcome, BakeStep::Outcome::go_on);
  const BakeStep end = judge_round(spec, {no_data()}, true, never);
  EXPECT_EQ(end.outcome, BakeStep::Outcome::breached);
  EXPECT_NE(end.reason.find("no data during the whole bake"), std::string::npos);

  BakeMemory once;
  EXPECT_EQ(judge_round(spec, {value(0)}, false, once).outcome, BakeStep::Outcome::go_on);
  EXPECT_EQ(judge_round(spec, {no_data()}, true, once).outcome, BakeStep::Outcome::passed);
}

TEST(BakeJudge, AnErrorNeverPassesWhateverTheNoDataPolicy) {
  for (const NoDataPolicy policy : {NoDataPolicy::pass, NoDataPolicy::wait, NoDataPolicy::fail}) {
    BakeMemory memory;
    const BakeStep step =
        judge_round(spec_with(policy), {error("cannot ask Prometheus")}, false, memory);
    EXPECT_EQ(step.outcome, BakeStep::Outcome::breached);
    EXPECT_EQ(step.reason, "analysis query error-rate failed: cannot ask Prometheus");
  }
  BakeMemory memory;
  EXPECT_EQ(judge_round(spec_with(NoDataPolicy::pass), {}, true, memory).outcome,
            BakeStep::Outcome::breached)
      << "a missing answer is an error";
}

TEST(BakeJudge, RoundsComeEveryIntervalAndTheLastAtTheBake) {
  AnalysisSpec spec = spec_with(NoDataPolicy::wait, Millis(2500));
  EXPECT_EQ(round_count(spec), 3);
  EXPECT_EQ(round_due(spec, 0), Millis(1000));
  EXPECT_EQ(round_due(spec, 1), Millis(2000));
  EXPECT_EQ(round_due(spec, 2), Millis(2500));
  spec.bake = Millis(3000);
  EXPECT_EQ(round_count(spec), 3);
  EXPECT_EQ(round_due(spec, 2), Millis(3000));
}

/// Answers from a script, remembering the queries it was asked.
class ScriptedPrometheus final : public PrometheusQuerier {
 public:
  explicit ScriptedPrometheus(std::deque<QueryAnswer> answers) : m_answers(std::move(answers)) {}
  QueryAnswer query(const std::string& promql) const override {
    const std::lock_guard lock(m_mutex);
    m_asked.push_back(promql);
    if (m_answers.empty()) return value(0);
    QueryAnswer next = m_answers.front();
    m_answers.pop_front();
    return next;
  }
  [[nodiscard]] std::vector<std::string> asked() const {
    const std::lock_guard lock(m_mutex);
    return m_asked;
  }

 private:
  mutable std::mutex m_mutex;
  mutable std::deque<QueryAnswer> m_answers;
  mutable std::vector<std::string> m_asked;
};

TEST(BakeRunner, PassesAfterEveryRoundHeldAndShowsItWhileBaking) {
  ScriptedPrometheus prometheus({value(0), value(0.005), value(0)});
  test::FakeClock clock;
  BakeBoard board;
  const BakeRunner runner(prometheus, clock, board, R"(web"01)", {});
  const Status baked = runner.bake("hello", spec_with(NoDataPolicy::wait), "1.0.0", "c0ffee");
  EXPECT_TRUE(baked) << baked.error().describe();
  const std::vector<std::string> asked = prometheus.asked();
  ASSERT_EQ(asked.size(), 3u);
  EXPECT_EQ(asked[0], R"(x{i="web\"01"})");
  const BakeBoard::Snapshot after = board.snapshot();
  EXPECT_TRUE(after.baking.empty());
  EXPECT_DOUBLE_EQ((after.last_values.at({"hello", "error-rate"})), 0);
  EXPECT_TRUE(after.breaches.empty());
}

TEST(BakeRunner, StopsAtTheFirstBreachAndCountsIt) {
  ScriptedPrometheus prometheus({value(0), value(0.1), value(0)});
  test::FakeClock clock;
  BakeBoard board;
  const BakeRunner runner(prometheus, clock, board, "web-01", {});
  const auto start = clock.now();
  const Status baked = runner.bake("hello", spec_with(NoDataPolicy::wait), "2.0.0", "c0ffee");
  ASSERT_FALSE(baked);
  EXPECT_FALSE(baked.error().stopping);
  EXPECT_EQ(baked.error().message, "analysis query error-rate = 0.1, needs < 0.01");
  EXPECT_EQ(prometheus.asked().size(), 2u);
  EXPECT_EQ(clock.now() - start, Millis(2000));
  EXPECT_EQ((board.snapshot().breaches.at({"hello", "error-rate"})), 1);
}

}  // namespace
}  // namespace tether::bake_test
