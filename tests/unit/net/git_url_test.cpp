#include "net/git_url.hpp"

#include <gtest/gtest.h>

namespace tether::git_url_test {
namespace {

TEST(ParseGitUrl, SchemesPortsAndUsers) {
  EXPECT_EQ(parse_git_url("ssh://git@127.0.0.1:2222/srv/state.git"),
            (GitUrl{"ssh", "git", "127.0.0.1", 2222}));
  EXPECT_EQ(parse_git_url("ssh://git.example.com/state.git"),
            (GitUrl{"ssh", "", "git.example.com", 22}));
  EXPECT_EQ(parse_git_url("git@github.com:org/state.git"),
            (GitUrl{"ssh", "git", "github.com", 22}));
  EXPECT_EQ(parse_git_url("git://127.0.0.1/state.git"), (GitUrl{"git", "", "127.0.0.1", 9418}));
  EXPECT_EQ(parse_git_url("https://bot:secret@git.example.com/state.git"),
            (GitUrl{"https", "bot", "git.example.com", 443}));
  EXPECT_EQ(parse_git_url("http://[::1]:8080/state.git"), (GitUrl{"http", "", "::1", 8080}));
}

TEST(ParseGitUrl, LocalPathsHaveNoPort) {
  EXPECT_EQ(parse_git_url("/srv/state.git").port, 0);
  EXPECT_EQ(parse_git_url("./a:b").scheme, "file");
  EXPECT_EQ(parse_git_url("file:///srv/state.git").port, 0);
}

TEST(RedactedUrl, HidesPasswordsOnly) {
  EXPECT_EQ(redacted_url("https://bot:s3cret@git.example.com/x.git"),
            "https://bot:***@git.example.com/x.git");
  EXPECT_EQ(redacted_url("ssh://git@host/x.git"), "ssh://git@host/x.git");
  EXPECT_EQ(redacted_url("https://host/a@b"), "https://host/a@b");
}

}  // namespace
}  // namespace tether::git_url_test
