// Parsing `podman|docker container inspect` output: what the live probe knows of a container.
#include "container/inspect_json.hpp"

#include <gtest/gtest.h>

namespace tether::inspect_json_test {
namespace {

const std::string k_digest = "sha256:" + std::string(64, 'a');

TEST(InspectJson, PodmanGivesTheImageDigestStateAndLabels) {
  const std::string podman = R"([{
    "Id": "e64851fd", "Name": "tether-web", "ImageDigest": ")" +
                             k_digest + R"(",
    "ImageName": "127.0.0.1:5000/web@)" +
                             k_digest +
                             R"(",
    "State": {"Status": "running", "Running": true, "ExitCode": 0},
    "Config": {"Image": "127.0.0.1:5000/web@)" +
                             k_digest + R"(",
               "Labels": {"tether.service": "web", "tether.release": ")" +
                             k_digest + R"("}}}])";
  auto live = parse_inspect(podman);
  ASSERT_TRUE(live.ok()) << live.error().message;
  EXPECT_EQ(live->name, "tether-web");
  EXPECT_EQ(live->image_digest, k_digest);
  EXPECT_EQ(live->image_digests, std::vector<std::string>{k_digest});
  EXPECT_TRUE(live->running);
  EXPECT_EQ(live->status, "running");
  EXPECT_EQ(live->labels.at("tether.service"), "web");
  EXPECT_EQ(live->labels.at("tether.release"), k_digest);
}

TEST(InspectJson, DockerTakesTheDigestFromTheReferenceTheContainerWasCreatedWith) {
  const std::string docker = R"([{"Id": "19", "Name": "/tether-web", "Image": "sha256:ffff",
    "State": {"Status": "exited", "Running": false, "ExitCode": 137},
    "Config": {"Image": "127.0.0.1:5000/web@)" +
                             k_digest + R"(", "Labels": {}}}])";
  auto live = parse_inspect(docker);
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->name, "tether-web") << "docker's leading slash is dropped";
  EXPECT_EQ(live->image_digest, k_digest);
  EXPECT_FALSE(live->running);
  EXPECT_EQ(live->status, "exited");
  EXPECT_TRUE(live->labels.empty());
}

TEST(InspectJson, AContainerMadeFromATagHasNoKnownDigest) {
  auto live = parse_inspect(
      R"([{"Name": "/tether-web", "Config": {"Image": "busybox:latest", "Labels": null}}])");
  ASSERT_TRUE(live.ok());
  EXPECT_EQ(live->image_digest, "");
  EXPECT_FALSE(live->running);
}

TEST(InspectJson, RepoDigestsListEveryDigestAnImageIsKnownBy) {
  EXPECT_EQ(parse_repo_digests(R"(["127.0.0.1:5000/web@)" + k_digest +
                               R"(", "localhost/web@sha256:)" + std::string(64, 'b') + R"("])"),
            (std::vector<std::string>{k_digest, "sha256:" + std::string(64, 'b')}));
  EXPECT_TRUE(parse_repo_digests("null").empty());
  EXPECT_TRUE(parse_repo_digests("garbage").empty());
}

TEST(InspectJson, MalformedOutputIsAnErrorThatSaysWhatToCheck) {
  for (const char* text : {"", "{}", "[]", "[1]", "not json"}) {
    auto live = parse_inspect(text);
    ASSERT_FALSE(live.ok()) << text;
    EXPECT_NE(live.error().message.find("inspect"), std::string::npos);
    EXPECT_FALSE(live.error().hint.empty());
  }
}

}  // namespace
}  // namespace tether::inspect_json_test
