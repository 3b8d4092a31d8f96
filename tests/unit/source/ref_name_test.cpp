#include "source/ref_name.hpp"

#include <gtest/gtest.h>

namespace tether::ref_name_test {
namespace {

TEST(RefName, AcceptsBranchesTagsAndPullRequestRefs) {
  for (const char* ref : {"main",
                          "pr-42",
                          "feature/web-1.5",
                          "v1.4.2",
                          "refs/pull/42/head",
                          "pull/42/merge",
                          "release+hotfix_2"}) {
    EXPECT_EQ(check_ref_name(ref), "") << ref;
  }
}

TEST(RefName, RefusesOptionLikeTraversingAndOddNames) {
  for (const std::string& ref : {std::string(),
                                 std::string("-x"),
                                 std::string("--upload-pack=evil"),
                                 std::string("main..pr"),
                                 std::string("a/../b"),
                                 std::string("/main"),
                                 std::string("main/"),
                                 std::string("a//b"),
                                 std::string(".hidden"),
                                 std::string("a/.b"),
                                 std::string("x.lock"),
                                 std::string("a b"),
                                 std::string("a:b"),
                                 std::string("a~1"),
                                 std::string("a^"),
                                 std::string("@{u}"),
                                 std::string("a\nb"),
                                 std::string("HEAD"),
                                 std::string(201, 'a')}) {
    EXPECT_NE(check_ref_name(ref), "") << ref;
  }
}

TEST(RefName, CandidatesTryBranchesThenTagsThenRefs) {
  EXPECT_EQ(ref_candidates("pr-42"),
            (std::vector<std::string>{"refs/heads/pr-42", "refs/tags/pr-42", "refs/pr-42"}));
  EXPECT_EQ(ref_candidates("refs/pull/7/head"), (std::vector<std::string>{"refs/pull/7/head"}));
}

}  // namespace
}  // namespace tether::ref_name_test
