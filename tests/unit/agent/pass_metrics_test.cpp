#include "agent/pass_metrics.hpp"

#include <gtest/gtest.h>

namespace tether::pass_metrics_test {
namespace {

TEST(PassMetrics, OutcomeAndWorkOfThePass) {
  PassResult pass;
  pass.outcome = PassOutcome::unreachable;
  pass.rollbacks = 2;
  pass.work = {3, 1, true, 7};
  const PassMetrics metrics = metrics_of(pass, 0.25, 1'700'000'000.0, {});
  EXPECT_TRUE(metrics.poll_failed);
  EXPECT_FALSE(metrics.tip_refused);
  EXPECT_EQ(metrics.duration_seconds, 0.25);
  EXPECT_EQ(metrics.finished_unix_seconds, 1'700'000'000.0);
  EXPECT_EQ(metrics.rollbacks, 2);
  EXPECT_EQ(metrics.git_polls, 3);
  EXPECT_EQ(metrics.git_downloads, 1);
  EXPECT_TRUE(metrics.manifests_loaded);
  EXPECT_EQ(metrics.files_hashed, 7);
  pass.outcome = PassOutcome::refused;
  EXPECT_TRUE(metrics_of(pass, 0, 0, {}).tip_refused);
}

TEST(PassMetrics, EveryDesiredServiceIsBlockedOrNotAndQuarantinedOrNot) {
  PassResult pass;
  pass.converged = {{"a", false}, {"b", true}, {"c", true}};
  BlockedService blocked;
  blocked.action.service = "a";
  pass.blocked = {blocked};
  History history;
  history["c"].quarantine = Quarantine{};
  history["gone"].quarantine = Quarantine{};  // no longer desired: its quarantine still shows
  const PassMetrics metrics = metrics_of(pass, 0, 0, history);
  EXPECT_EQ(metrics.blocked,
            (std::map<std::string, bool>{{"a", true}, {"b", false}, {"c", false}}));
  EXPECT_EQ(metrics.quarantined,
            (std::map<std::string, bool>{{"a", false}, {"b", false}, {"c", true}, {"gone", true}}));
}

}  // namespace
}  // namespace tether::pass_metrics_test
