// The migration state a service prints (spec.migrations.command): what is accepted and how two
// states order.
#include "core/migration_state.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tether::migration_state_test {
namespace {

TEST(MigrationStateFromOutput, TakesOneLineWithoutItsNewline) {
  EXPECT_EQ(migration_state_from_output("0045\n").value(), "0045");
  EXPECT_EQ(migration_state_from_output("0045_add_users\r\n").value(), "0045_add_users");
  EXPECT_EQ(migration_state_from_output("20240101120000").value(), "20240101120000");
}

TEST(MigrationStateFromOutput, RefusesWhatCannotBeComparedOrShownSafely) {
  const std::vector<std::string> refused = {
      "",                     // nothing
      "\n",                   // an empty line
      "0045\n0046\n",         // two lines: which one?
      "0045 add users",       // spaces
      "0045;rm -rf /",        // shell text, shown in the journal
      "\x1b[31m0045",         // terminal escapes
      std::string(129, '1'),  // unbounded
  };
  for (const std::string& output : refused) {
    EXPECT_FALSE(migration_state_from_output(output).ok()) << output;
  }
  EXPECT_TRUE(migration_state_from_output(std::string(128, '1')).ok());
}

int sign(int value) { return (value > 0) - (value < 0); }

TEST(CompareMigrationStates, OrdersByTheLeadingNumberThenAsVersions) {
  struct Case {
    std::string a;
    std::string b;
    int order;
  };
  const std::vector<Case> cases = {
      {"0042", "0045", -1},
      {"0045", "0100", -1},           // numbers, not text
      {"45", "0045", 0},              // leading zeros do not count
      {"0045_add_users", "0045", 0},  // the name is for people
      {"0044_z", "0045_a", -1},       // the number decides before the name
      {"20240101120000", "20240102000000", -1},
      {"v1.9", "v1.10", -1},  // no leading number: version order
      {"a", "b", -1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(sign(compare_migration_states(c.a, c.b)), c.order) << c.a << " vs " << c.b;
    EXPECT_EQ(sign(compare_migration_states(c.b, c.a)), -c.order) << c.b << " vs " << c.a;
  }
}

TEST(DescribeMigrationCrossing, NamesTheOlderStateFirst) {
  EXPECT_EQ(describe_migration_crossing("0042", "0045"), "crosses migrations 0042..0045");
}

}  // namespace
}  // namespace tether::migration_state_test
