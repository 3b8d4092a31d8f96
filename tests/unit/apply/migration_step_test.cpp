// Migrations (#23): what an auto-rollback after a failed health gate does when the release that
// failed printed a newer migration state than the one it goes back to.
#include "apply/migration_step.hpp"

#include <gtest/gtest.h>

namespace tether::migration_step_test {
namespace {

MigrationsSpec spec(OnMigrationRollback on_rollback, const std::string& accept = "") {
  return MigrationsSpec{{"bin/web", "migrate-status"}, on_rollback, Millis(1000), accept};
}

TEST(AutoRollbackMigrations, RefuseHoldsTheRollbackToAnOlderStateUnlessAccepted) {
  const ServiceHistory none;
  const auto held =
      auto_rollback_migrations(spec(OnMigrationRollback::refuse), none, "new", "0045", "0042");
  EXPECT_EQ(held.crossing, "crosses migrations 0042..0045");
  EXPECT_TRUE(held.held);

  ServiceHistory accepted;
  accepted.migrations_accepted_from = "new";
  EXPECT_FALSE(
      auto_rollback_migrations(spec(OnMigrationRollback::refuse), accepted, "new", "0045", "0042")
          .held);
  EXPECT_FALSE(auto_rollback_migrations(
                   spec(OnMigrationRollback::refuse, "0042"), none, "new", "0045", "0042")
                   .held)
      << "acceptRollbackTo in Git";
}

TEST(AutoRollbackMigrations, WarnGoesAheadButSaysSo) {
  const auto warned =
      auto_rollback_migrations(spec(OnMigrationRollback::warn), {}, "new", "0045", "0042");
  EXPECT_EQ(warned.crossing, "crosses migrations 0042..0045");
  EXPECT_FALSE(warned.held);
}

TEST(AutoRollbackMigrations, NothingToSayWithoutTwoStatesOrWhenNothingWasMigrated) {
  for (const auto& [now, before] : std::vector<std::pair<std::string, std::string>>{
           {"0045", "0045"}, {"", "0042"}, {"0045", ""}, {"0042", "0045"}}) {
    const auto check =
        auto_rollback_migrations(spec(OnMigrationRollback::refuse), {}, "new", now, before);
    EXPECT_TRUE(check.crossing.empty()) << before << " <- " << now;
    EXPECT_FALSE(check.held);
  }
}

}  // namespace
}  // namespace tether::migration_step_test
