#include "apply/artifact_fetcher.hpp"

#include "command.hpp"
#include "core/sha256.hpp"
#include "http_server.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace tether::artifact_fetcher_test {
namespace {

namespace fs = std::filesystem;

const std::string k_payload = "not really a tarball, but bytes are bytes\n";

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    names.push_back(entry.path().filename());
  return names;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ArtifactFetcher : public ::testing::Test {
 protected:
  ArtifactFetcher() { test::write_text(m_source, k_payload); }

  Artifact file_artifact(const std::string& sha256 = Sha256::of(k_payload)) const {
    return Artifact{"file://" + m_source.string(), sha256};
  }

  test::TempDir m_tmp;
  fs::path m_source = m_tmp / "srv" / "web-1.0.tar.gz";
  fs::path m_cache = m_tmp / "cache" / "artifacts";
};

TEST_F(ArtifactFetcher, FetchesAFileUrlIntoTheCacheUnderItsDigest) {
  auto fetched = fetch_artifact(file_artifact(), m_cache);
  ASSERT_TRUE(fetched.ok()) << fetched.error().describe();
  EXPECT_EQ(*fetched, m_cache / Sha256::of(k_payload));
  EXPECT_EQ(test::read_text(*fetched), k_payload);
  EXPECT_EQ(names_in(m_cache), std::vector<std::string>{Sha256::of(k_payload)});
}

TEST_F(ArtifactFetcher, ReusesTheCachedCopyWithoutTheSource) {
  ASSERT_TRUE(fetch_artifact(file_artifact(), m_cache).ok());
  fs::remove(m_source);
  auto again = fetch_artifact(file_artifact(), m_cache);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(test::read_text(*again), k_payload);
}

TEST_F(ArtifactFetcher, ReplacesACorruptedCacheEntry) {
  const fs::path cached = m_cache / Sha256::of(k_payload);
  test::write_text(cached, "bit rot");
  auto fetched = fetch_artifact(file_artifact(), m_cache);
  ASSERT_TRUE(fetched.ok()) << fetched.error().describe();
  EXPECT_EQ(test::read_text(cached), k_payload);
}

TEST_F(ArtifactFetcher, WrongDigestFailsNamingBothAndCachesNothing) {
  const std::string declared = Sha256::of("something else");
  auto fetched = fetch_artifact(file_artifact(declared), m_cache);
  ASSERT_FALSE(fetched.ok());
  const std::string& message = fetched.error().message;
  EXPECT_TRUE(contains(message, declared)) << message;
  EXPECT_TRUE(contains(message, Sha256::of(k_payload))) << message;
  EXPECT_TRUE(contains(message, m_source.string())) << message;
  EXPECT_TRUE(names_in(m_cache).empty()) << names_in(m_cache).front();
}

TEST_F(ArtifactFetcher, MissingFileFailsNamingTheUrl) {
  fs::remove(m_source);
  auto fetched = fetch_artifact(file_artifact(), m_cache);
  ASSERT_FALSE(fetched.ok());
  EXPECT_TRUE(contains(fetched.error().message, "file://" + m_source.string()));
  EXPECT_TRUE(names_in(m_cache).empty());
}

TEST_F(ArtifactFetcher, AFifoIsRefusedAtOnceAndLeavesNothingInTheCache) {
  fs::remove(m_source);
  ASSERT_EQ(::mkfifo(m_source.c_str(), 0600), 0);  // a reader would wait for a writer forever
  auto fetched = fetch_artifact(file_artifact(), m_cache);
  ASSERT_FALSE(fetched.ok());
  EXPECT_TRUE(contains(fetched.error().message, "file://" + m_source.string()));
  EXPECT_TRUE(contains(fetched.error().message, "is a FIFO")) << fetched.error().message;
  EXPECT_TRUE(names_in(m_cache).empty());
}

TEST_F(ArtifactFetcher, ATrickleIsAbandonedUnderTheNetworkLimits) {
  test::HttpFileServer server;
  server.add_slow("/slow.tar.gz", std::string(256 * 1024, 'x'), 32 * 1024);
  NetworkLimits limits;
  limits.low_speed_bytes_per_second = 64 * 1024;
  limits.low_speed_time = std::chrono::seconds(1);
  auto fetched =
      fetch_artifact(Artifact{server.url("/slow.tar.gz"), std::string(64, 'a')}, m_cache, limits);
  ASSERT_FALSE(fetched.ok());
  EXPECT_TRUE(contains(fetched.error().message, "bytes/s")) << fetched.error().message;
  EXPECT_TRUE(names_in(m_cache).empty());
}

TEST_F(ArtifactFetcher, FetchesOverHttp) {
  test::HttpFileServer server;
  const std::string body(300'000, 'x');  // several curl write callbacks
  server.add("/web/web-1.0.tar.gz", body);
  const Artifact artifact{server.url("/web/web-1.0.tar.gz"), Sha256::of(body)};
  auto fetched = fetch_artifact(artifact, m_cache);
  ASSERT_TRUE(fetched.ok()) << fetched.error().describe();
  EXPECT_EQ(test::read_text(*fetched), body);
  EXPECT_EQ(server.hits("/web/web-1.0.tar.gz"), 1);

  ASSERT_TRUE(fetch_artifact(artifact, m_cache).ok());
  EXPECT_EQ(server.hits("/web/web-1.0.tar.gz"), 1) << "a verified cached copy was downloaded again";
}

TEST_F(ArtifactFetcher, HttpNotFoundFailsNamingTheUrl) {
  test::HttpFileServer server;
  const Artifact artifact{server.url("/gone.tar.gz"), Sha256::of(k_payload)};
  auto fetched = fetch_artifact(artifact, m_cache);
  ASSERT_FALSE(fetched.ok());
  EXPECT_TRUE(contains(fetched.error().message, artifact.url)) << fetched.error().message;
  EXPECT_TRUE(contains(fetched.error().message, "404")) << fetched.error().message;
  EXPECT_FALSE(fetched.error().hint.empty());
  EXPECT_EQ(server.hits("/gone.tar.gz"), 1);
  EXPECT_TRUE(names_in(m_cache).empty());
}

TEST_F(ArtifactFetcher, UnreachableServerFailsNamingTheUrl) {
  const Artifact artifact{"http://127.0.0.1:" + std::to_string(test::free_port()) + "/a.tar.gz",
                          Sha256::of(k_payload)};
  auto fetched = fetch_artifact(artifact, m_cache);
  ASSERT_FALSE(fetched.ok());
  EXPECT_TRUE(contains(fetched.error().message, artifact.url)) << fetched.error().message;
  EXPECT_TRUE(names_in(m_cache).empty());
}

TEST_F(ArtifactFetcher, RefusesSchemesOtherThanHttpHttpsAndFile) {
  const Artifact artifact{"ftp://127.0.0.1/a.tar.gz", Sha256::of(k_payload)};
  auto fetched = fetch_artifact(artifact, m_cache);
  ASSERT_FALSE(fetched.ok());
  EXPECT_TRUE(contains(fetched.error().message, artifact.url)) << fetched.error().message;
}

}  // namespace
}  // namespace tether::artifact_fetcher_test
