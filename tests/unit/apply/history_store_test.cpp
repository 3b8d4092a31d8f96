#include "apply/history_store.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::history_store_test {
namespace {

TEST(HistoryStore, MissingFileIsAnEmptyHistory) {
  test::TempDir dir;
  auto history = HistoryStore(dir / "state" / "history.json").load();
  ASSERT_TRUE(history) << history.error().describe();
  EXPECT_TRUE(history->empty());
}

TEST(HistoryStore, RoundTripsQuarantinesAndLastGood) {
  test::TempDir dir;
  const HistoryStore store(dir / "state" / "history.json");
  History history;
  history["web"].last_good_dir = "1.4.2-aaaaaaaaaaaa-11111111";
  history["web"].quarantine = Quarantine{"1.5.0-bbbbbbbbbbbb-22222222",
                                         "1.5.0",
                                         std::string(40, 'b'),
                                         "digest",
                                         "HTTP 500",
                                         "2026-11-23T07:00:00.000Z"};
  history["db"].last_good_dir = "2.0.0-cccccccccccc-33333333";
  ASSERT_TRUE(store.save(history));
  auto loaded = store.load();
  ASSERT_TRUE(loaded) << loaded.error().describe();
  EXPECT_EQ(*loaded, history);
}

TEST(HistoryStore, CorruptFileIsAnErrorThatSaysWhatToDo) {
  test::TempDir dir;
  test::write_text(dir / "history.json", "{not json");
  auto loaded = HistoryStore(dir / "history.json").load();
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("history.json is not valid JSON"), std::string::npos);
  EXPECT_FALSE(loaded.error().hint.empty());
}

}  // namespace
}  // namespace tether::history_store_test
