#include "trust/allowed_signers.hpp"

#include "command.hpp"
#include "temp_dir.hpp"
#include "trust/ssh_signature.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace tether::allowed_signers_test {
namespace {

using namespace std::chrono;

/// The .pub line of a key made by ssh-keygen, split into its fields.
struct PublicKey {
  std::string type;
  std::string base64;

  [[nodiscard]] std::string line() const { return type + " " + base64; }
};

PublicKey make_key(const std::filesystem::path& dir,
                   const std::string& name,
                   std::vector<std::string> type) {
  const auto path = (dir / name).string();
  std::vector<std::string> argv = {"ssh-keygen", "-q", "-N", "", "-C", "test", "-f", path};
  argv.insert(argv.end(), type.begin(), type.end());
  test::run_ok(argv);
  const auto line = test::read_text(path + ".pub");
  const auto space = line.find(' ');
  return PublicKey{line.substr(0, space),
                   line.substr(space + 1, line.find(' ', space + 1) - space - 1)};
}

struct Keys {
  test::TempDir dir;
  PublicKey ed25519 = make_key(dir.path(), "ed25519", {"-t", "ed25519"});
  PublicKey ecdsa = make_key(dir.path(), "ecdsa", {"-t", "ecdsa", "-b", "256"});
  PublicKey rsa = make_key(dir.path(), "rsa", {"-t", "rsa", "-b", "2048"});
  PublicKey small_rsa = make_key(dir.path(), "small_rsa", {"-t", "rsa", "-b", "1024"});
};

class AllowedSignersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { s_keys = std::make_unique<Keys>(); }
  static void TearDownTestSuite() { s_keys.reset(); }
  static const Keys& keys() { return *s_keys; }

  static AllowedSigners parse_ok(const std::string& text) {
    auto parsed = parse_allowed_signers(text);
    EXPECT_TRUE(parsed.ok()) << parsed.error().describe();
    return parsed.value_or({});
  }
  static std::string parse_error(const std::string& text) {
    auto parsed = parse_allowed_signers(text);
    EXPECT_FALSE(parsed.ok()) << "parsed: " << text;
    return parsed.ok() ? "" : parsed.error().message;
  }

 private:
  static inline std::unique_ptr<Keys> s_keys;
};

TEST_F(AllowedSignersTest, ParsesEachKeyTypeWithItsLine) {
  const auto signers = parse_ok("alice@example.com " + keys().ed25519.line() + " alice laptop\n" +
                                "bob@example.com " + keys().ecdsa.line() + "\n" +
                                "carol@example.com " + keys().rsa.line());
  ASSERT_EQ(signers.entries.size(), 3u);
  const std::vector<const PublicKey*> expected = {&keys().ed25519, &keys().ecdsa, &keys().rsa};
  for (size_t i = 0; i < expected.size(); ++i) {
    const auto& entry = signers.entries[i];
    EXPECT_EQ(entry.line, static_cast<int>(i + 1));
    EXPECT_EQ(entry.key_type, expected[i]->type);
    EXPECT_EQ(entry.key_blob, decode_base64(expected[i]->base64).value());
    EXPECT_TRUE(entry.namespaces.empty());
    EXPECT_FALSE(entry.valid_after || entry.valid_before);
  }
  EXPECT_EQ(signers.entries[2].principals, std::vector<std::string>{"carol@example.com"});
}

TEST_F(AllowedSignersTest, SkipsCommentsAndBlankLinesKeepingLineNumbers) {
  const auto signers = parse_ok("# deployers\r\n\n   \n\t# indented comment\nalice " +
                                keys().ed25519.line() + "\r\n");
  ASSERT_EQ(signers.entries.size(), 1u);
  EXPECT_EQ(signers.entries[0].line, 5);
  EXPECT_TRUE(parse_ok("").entries.empty());
}

TEST_F(AllowedSignersTest, ParsesPrincipalListsAndOptions) {
  const auto signers = parse_ok(
      "alice@example.com,*@ops.example.com "
      "namespaces=\"git,file\",valid-after=\"20240102\",valid-before=\"203001311230Z\" " +
      keys().ed25519.line() + " comment with a \" quote\n" + "\"bob@x,carol@x\" " +
      keys().ecdsa.line() + "\n");
  ASSERT_EQ(signers.entries.size(), 2u);
  const auto& alice = signers.entries[0];
  EXPECT_EQ(alice.principals, (std::vector<std::string>{"alice@example.com", "*@ops.example.com"}));
  EXPECT_EQ(alice.namespaces, (std::vector<std::string>{"git", "file"}));
  EXPECT_EQ(alice.valid_after, sys_seconds{sys_days{2024y / 1 / 2}});
  EXPECT_EQ(alice.valid_before, sys_seconds{sys_days{2030y / 1 / 31} + 12h + 30min});
  EXPECT_EQ(signers.entries[1].principals, (std::vector<std::string>{"bob@x", "carol@x"}));
}

TEST_F(AllowedSignersTest, ReadsTimesWithSecondsAndWithoutQuotes) {
  const auto signers = parse_ok("a valid-after=20240102030405 " + keys().ed25519.line());
  EXPECT_EQ(signers.entries.at(0).valid_after,
            sys_seconds{sys_days{2024y / 1 / 2} + 3h + 4min + 5s});
}

TEST_F(AllowedSignersTest, ErrorNamesFileAndLine) {
  EXPECT_EQ(parse_error("# one\n# two\nalice ssh-dss AAAAB3NzaC1kc3M=\n"),
            "allowed_signers:3: unknown key type \"ssh-dss\"; supported: ssh-ed25519, "
            "ecdsa-sha2-nistp256, ssh-rsa");
  auto named = parse_allowed_signers("\nalice ssh-dss AAAA\n", "/etc/tether/allowed_signers");
  ASSERT_FALSE(named.ok());
  EXPECT_TRUE(named.error().message.starts_with("/etc/tether/allowed_signers:2: "))
      << named.error().message;
}

TEST_F(AllowedSignersTest, RejectsMalformedLines) {
  const auto& ed = keys().ed25519;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"alice cert-authority " + ed.line(), "cert-authority is not supported"},
      {"alice cert-authority,namespaces=\"git\" " + ed.line(), "cert-authority is not supported"},
      {"alice no-touch-required " + ed.line(), "unknown option \"no-touch-required\""},
      {"alice principals=\"x\" " + ed.line(), "unknown option \"principals\""},
      {"alice valid-after=\"2024\" " + ed.line(), "bad valid-after time \"2024\""},
      {"alice valid-before=\"20240230\" " + ed.line(), "bad valid-before time"},
      {"alice valid-after=20300101,valid-before=20200101 " + ed.line(),
       "valid-before is not after"},
      {"alice namespaces=\"git\",namespaces=\"file\" " + ed.line(), "namespaces given twice"},
      {"alice namespaces=\"\" " + ed.line(), "bad namespaces list"},
      {"alice,,bob " + ed.line(), "bad principals list"},
      {"alice namespaces=\"git " + ed.line(), "unterminated quote"},
      {"alice", "missing the key after the principals"},
      {"alice namespaces=\"git\"", "missing the key after the options"},
      {"alice ssh-ed25519", "missing the base64 key after ssh-ed25519"},
      {"alice ssh-ed25519 not*base64", "bad ssh-ed25519 key: invalid base64"},
      {"alice ssh-ed25519 " + ed.base64.substr(0, 40), "bad ssh-ed25519 key: malformed"},
      {"alice ssh-rsa " + ed.base64, "key type \"ssh-rsa\" does not match the key data"},
      {"alice " + keys().small_rsa.line(), "ssh-rsa key has 1024 bits"},
  };
  for (const auto& [line, expected] : cases) {
    const auto message = parse_error("# header\n" + line + "\n");
    EXPECT_TRUE(message.starts_with("allowed_signers:2: ")) << line << " -> " << message;
    EXPECT_NE(message.find(expected), std::string::npos) << line << " -> " << message;
  }
}

TEST_F(AllowedSignersTest, LoadsAFileAndNamesItInErrors) {
  test::TempDir tmp;
  test::write_text(tmp / "allowed_signers", "alice " + keys().ed25519.line() + "\n");
  auto loaded = load_allowed_signers(tmp / "allowed_signers");
  ASSERT_TRUE(loaded.ok()) << loaded.error().describe();
  EXPECT_EQ(loaded->file, (tmp / "allowed_signers").string());
  EXPECT_EQ(loaded->entries.size(), 1u);
  auto missing = load_allowed_signers(tmp / "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find((tmp / "missing").string()), std::string::npos);
}

TEST(MatchesPatternList, FollowsOpenSshPatternRules) {
  using Patterns = std::vector<std::string>;
  EXPECT_TRUE(matches_pattern_list("git", Patterns{"git"}));
  EXPECT_TRUE(matches_pattern_list("git", Patterns{"file", "g?t"}));
  EXPECT_TRUE(matches_pattern_list("alice@example.com", Patterns{"*@example.com"}));
  EXPECT_TRUE(matches_pattern_list("a*b", Patterns{"a*"}));
  EXPECT_FALSE(matches_pattern_list("git", Patterns{"file"}));
  EXPECT_FALSE(matches_pattern_list("Git", Patterns{"git"}));
  EXPECT_FALSE(matches_pattern_list("git", Patterns{"*", "!git"}));
  EXPECT_FALSE(matches_pattern_list("git", Patterns{}));
  EXPECT_FALSE(matches_pattern_list("gitx", Patterns{"git"}));
}

TEST_F(AllowedSignersTest, ChecksNamespacesAndValidityForGit) {
  const auto& key = keys().ed25519.line();
  const auto signers = parse_ok("a namespaces=\"file\" " + key + "\n" +      // 1
                                "b namespaces=\"git,file\" " + key + "\n" +  // 2
                                "c namespaces=\"*,!git\" " + key + "\n" +    // 3
                                "d valid-after=\"20240101Z\",valid-before=\"20250101Z\" " + key);
  const auto at = sys_days{2024y / 6 / 1};
  const auto status = [&](size_t i, system_clock::time_point when) {
    return check_signer_for_git(signers, signers.entries.at(i), when);
  };
  ASSERT_FALSE(status(0, at).ok());
  EXPECT_EQ(status(0, at).error().message,
            "allowed_signers:1: key may not sign git commits: namespaces=\"file\" does not "
            "include \"git\"");
  EXPECT_TRUE(status(1, at).ok());
  EXPECT_FALSE(status(2, at).ok());
  EXPECT_TRUE(status(3, at).ok());
  EXPECT_TRUE(status(3, sys_days{2024y / 1 / 1}).ok());  // both bounds inclusive
  EXPECT_TRUE(status(3, sys_days{2025y / 1 / 1}).ok());
  EXPECT_FALSE(status(3, sys_days{2024y / 1 / 1} - 1s).ok());
  EXPECT_FALSE(status(3, sys_days{2025y / 1 / 1} + 1s).ok());
}

}  // namespace
}  // namespace tether::allowed_signers_test
