#include "apply/suspension_store.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace tether::suspension_store_test {
namespace {

TEST(SuspensionStore, NoFileIsNoHoldAndWhatIsSavedIsLoaded) {
  test::TempDir dir;
  const SuspensionStore store(dir / "state" / "suspended.json");
  auto none = store.load();
  ASSERT_TRUE(none) << none.error().describe();
  EXPECT_TRUE(none->empty());

  HostSuspensions holds;
  holds.all = Suspension{"audit", "tether suspend", "2026-12-07T01:00:00.000Z", ""};
  holds.services["web"] = Suspension{
      "INC-4711", "tether suspend", "2026-12-07T01:00:00.000Z", "2026-12-07T03:00:00.000Z"};
  ASSERT_TRUE(store.save(holds));
  auto loaded = store.load();
  ASSERT_TRUE(loaded) << loaded.error().describe();
  EXPECT_EQ(*loaded, holds);
  EXPECT_EQ(store.load_or_hold_all(), holds);
}

TEST(SuspensionStore, AFileItCannotReadHoldsEverythingAndSaysWhy) {
  test::TempDir dir;
  test::write_text(dir / "suspended.json", "{\"services\": {\"web\": {\"since\": 3}}}");
  const SuspensionStore store(dir / "suspended.json");
  auto loaded = store.load();
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("suspended.json"), std::string::npos);

  const HostSuspensions held = store.load_or_hold_all();
  ASSERT_TRUE(held.all.has_value());
  EXPECT_NE(held.all->reason.find("tether resume --all"), std::string::npos) << held.all->reason;
  EXPECT_TRUE(held.services.empty());
}

TEST(SuspensionStore, AnOversizedFileIsNotReadAndHoldsEverything) {
  test::TempDir dir;
  // Valid JSON, padded past the bound: refused by its size, before it is read or parsed.
  std::string padded = "{\"services\": {}}";
  padded.append(SuspensionStore::k_max_bytes, ' ');
  test::write_text(dir / "suspended.json", padded);
  const SuspensionStore store(dir / "suspended.json");
  auto loaded = store.load();
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("larger than 1024 KiB"), std::string::npos)
      << loaded.error().message;
  EXPECT_TRUE(store.load_or_hold_all().all.has_value());
}

}  // namespace
}  // namespace tether::suspension_store_test
