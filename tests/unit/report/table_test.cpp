#include "report/table.hpp"

#include <gtest/gtest.h>

namespace tether::table_test {
namespace {

TEST(Table, AlignsColumnsToTheWidestCellWithoutTrailingBlanks) {
  Table table({"SERVICE", "LIVE", "NOTE"});
  table.add({{"hello"}, {"1.0.0 (0123456789ab)"}, {""}});
  table.add({{"a-long-service-name"}, {"2.0.0"}, {"quarantined", Style::red}});
  EXPECT_EQ(table.render(Colour::off),
            "SERVICE              LIVE                  NOTE\n"
            "hello                1.0.0 (0123456789ab)\n"
            "a-long-service-name  2.0.0                 quarantined\n");
}

TEST(Table, ColourWrapsCellsButNeverShiftsTheColumns) {
  Table table({"A", "B"});
  table.add({{"x", Style::green}, {"y"}});
  const std::string coloured = table.render(Colour::on);
  EXPECT_EQ(coloured, "\033[1mA\033[0m  \033[1mB\033[0m\n\033[32mx\033[0m  y\n");
  EXPECT_EQ(table.render(Colour::off).find('\033'), std::string::npos);
}

TEST(Table, NotesGoUnderTheirRowOutsideTheColumns) {
  Table table({"TIME", "RESULT"});
  table.add({{"t1"}, {"failed"}});
  table.add_note({"health check: GET /healthz answered 500, a much longer text than any cell"});
  table.add({{"t0"}, {"ok"}});
  EXPECT_EQ(table.render(Colour::off),
            "TIME  RESULT\n"
            "t1    failed\n"
            "    health check: GET /healthz answered 500, a much longer text than any cell\n"
            "t0    ok\n");
}

TEST(Table, CountsUtf8CodePointsNotBytes) {
  Table table({"K", "V"});
  table.add({{"\xc3\xa9t\xc3\xa9"}, {"1"}});  // "été": 3 columns, 5 bytes
  table.add({{"abcd"}, {"2"}});
  EXPECT_EQ(table.render(Colour::off), "K     V\n\xc3\xa9t\xc3\xa9   1\nabcd  2\n");
}

}  // namespace
}  // namespace tether::table_test
