#include "live/release_record.hpp"

#include "core/layout.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace tether::release_record_test {
namespace {

namespace fs = std::filesystem;

ReleaseRecord sample() {
  ReleaseRecord r;
  r.service = "web";
  r.id = ReleaseId{"1.4.2", std::string(40, 'a'), std::string(64, 'b'), std::string(64, 'c')};
  r.binary_path = "bin/web";
  r.artifact_url = "https://artifacts.example.com/web/web-1.4.2.tar.gz";
  r.artifact_sha256 = std::string(64, 'd');
  r.config_digests = {{"etc/app.yaml", std::string(64, 'e')}, {"etc/z.conf", std::string(64, 'f')}};
  r.state_commit = std::string(40, '1');
  r.installed_at = "2026-11-23T07:08:14.123Z";
  return r;
}

TEST(ReleaseRecord, RoundTripsThroughJson) {
  auto back = release_record_from_json(to_json_text(sample()));
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(*back, sample());
}

TEST(ReleaseRecord, WritesTheDocumentedFieldNames) {
  const auto json = nlohmann::json::parse(to_json_text(sample()));
  EXPECT_EQ(json.at("version"), "1.4.2");
  EXPECT_EQ(json.at("commit"), std::string(40, 'a'));
  EXPECT_EQ(json.at("binary").at("sha256"), std::string(64, 'b'));
  EXPECT_EQ(json.at("config").at("hash"), std::string(64, 'c'));
  EXPECT_EQ(json.at("config").at("files").at("etc/app.yaml"), std::string(64, 'e'));
  EXPECT_EQ(json.at("stateCommit"), std::string(40, '1'));
  EXPECT_EQ(json.at("installedAt"), "2026-11-23T07:08:14.123Z");
}

TEST(ReleaseRecord, RejectsInvalidOrIncompleteJson) {
  EXPECT_FALSE(release_record_from_json("").ok());
  EXPECT_FALSE(release_record_from_json("{\"service\": \"web\"").ok());
  auto json = nlohmann::json::parse(to_json_text(sample()));
  json.erase("commit");
  auto missing = release_record_from_json(json.dump());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("invalid release.json"), std::string::npos);
  json = nlohmann::json::parse(to_json_text(sample()));
  json["version"] = 142;
  EXPECT_FALSE(release_record_from_json(json.dump()).ok()) << "a number is not a version string";
}

TEST(ReleaseRecord, ReadsFromTheReleaseDir) {
  test::TempDir tmp;
  test::write_text(tmp / "rel" / k_release_record, to_json_text(sample()));
  auto record = read_release_record(tmp / "rel");
  ASSERT_TRUE(record.ok()) << record.error().describe();
  EXPECT_EQ(*record, sample());
}

TEST(ReleaseRecord, ReadErrorsNameTheFile) {
  test::TempDir tmp;
  const fs::path file = tmp / "rel" / k_release_record;
  auto missing = read_release_record(tmp / "rel");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find(file.string()), std::string::npos)
      << missing.error().message;

  test::write_text(file, "{ torn");
  auto corrupt = read_release_record(tmp / "rel");
  ASSERT_FALSE(corrupt.ok());
  EXPECT_NE(corrupt.error().message.find(file.string()), std::string::npos)
      << corrupt.error().message;
}

}  // namespace
}  // namespace tether::release_record_test
