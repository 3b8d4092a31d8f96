// secrets (#23): config files encrypted with age in the state repo, decrypted on the host that
// holds the identity, refused on one that does not, and never shown anywhere in plaintext.
#include "agent_fixture.hpp"
#include "pass_counter.hpp"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

// What the secret says: it must appear in the served reply and nowhere the agent writes.
const std::string k_marker = "s3cr3t-marker-7f1c2a";

class SecretsTest : public AgentTest {
 protected:
  /// A new age identity at m_tmp/<name> (0600, as age-keygen makes it); its public key.
  std::string make_identity(const std::string& name) {
    const fs::path path = m_tmp / name;
    run_ok({"age-keygen", "-o", path.string()});
    std::string recipient = run_ok({"age-keygen", "-y", path.string()});
    return recipient.substr(0, recipient.find('\n'));
  }

  /// hello `version` whose hello.conf (port and message) is committed only as age ciphertext
  /// for `recipient`.
  void commit_encrypted_hello(const std::string& version, const std::string& recipient) {
    const HelloRelease& r = release(version);
    const fs::path plain = m_tmp / "hello.conf";
    write_text(plain, "port=" + std::to_string(m_port) + "\nmessage=" + k_marker + "\n");
    const fs::path cipher = m_repo->work() / "config/hello/hello.conf.age";
    fs::create_directories(cipher.parent_path());
    run_ok({"age", "-r", recipient, "-o", cipher.string(), plain.string()});
    fs::remove(plain);
    std::string manifest = hello_manifest(r);
    const std::string plain_entry = "{source: config/hello/hello.conf, target: etc/hello.conf}";
    manifest.replace(manifest.find(plain_entry),
                     plain_entry.size(),
                     "{source: config/hello/hello.conf.age, target: etc/hello.conf, "
                     "encryption: age}");
    m_repo->write("services/hello.yaml", manifest);
    m_repo->commit("hello " + version + " with an encrypted config");
  }

  /// `tether run --once` with the identity at `identity` (agent.yaml secrets.ageIdentityFile).
  CommandResult run_with_identity(const fs::path& identity) {
    const fs::path config = m_tmp / "agent.yaml";
    write_text(config,
               "apiVersion: tether.dev/v1\nkind: Agent\nrepo: {url: \"" + repo_url() +
                   "\"}\nsecrets: {ageIdentityFile: " + identity.string() + "}\n");
    return tether({"run", "--once", "--config", config.string()});
  }

  CommandResult validate() const {
    return run_command({TETHER_BIN, "validate", "--repo", m_repo->work().string()});
  }

  /// Every file under the root holding `text`, except `allowed`.
  std::vector<std::string> files_containing(const std::string& text, const fs::path& allowed) {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(m_root)) {
      if (!entry.is_regular_file() || entry.path() == allowed) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream content;
      content << in.rdbuf();
      if (content.str().find(text) != std::string::npos) found.push_back(entry.path().string());
    }
    return found;
  }
};

TEST_F(SecretsTest, DecryptsOnTheHostHoldingTheIdentityAndShowsThePlaintextNowhere) {
  const std::string recipient = make_identity("age.key");
  commit_encrypted_hello("1.0.0", recipient);
  const CommandResult run = run_with_identity(m_tmp / "age.key");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(hello_eventually_says(k_marker + " 1.0.0\n")) << hello_says();

  const fs::path release = m_root / "services/hello/releases" / current_release_dir();
  const fs::path placed = release / "etc/hello.conf";
  struct stat st {};
  ASSERT_EQ(::lstat(placed.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_FALSE(fs::exists(release / ".tether/age-input"));

  const CommandResult status = tether({"status", "--json"});
  const CommandResult again = run_with_identity(m_tmp / "age.key");  // a probe over the release
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const std::string& shown : {run.out, run.err, status.out, status.err, again.out, again.err})
    EXPECT_EQ(shown.find(k_marker), std::string::npos) << shown;

  // The daemon's API too: what GET /status and /metrics serve comes from its passes.
  const int api = free_port();
  start_daemon("200ms", api, {"--config", (m_tmp / "agent.yaml").string()});
  ASSERT_TRUE(eventually([&] { return passes_finished(api) >= 1; }, std::chrono::seconds(15)))
      << daemon_log();
  for (const char* path : {"/status", "/metrics"}) {
    const std::string body = http_get(api, path);
    EXPECT_FALSE(body.empty()) << path;
    EXPECT_EQ(body.find(k_marker), std::string::npos) << path << ": " << body;
  }
  EXPECT_EQ(stop_daemon(), 0);
  EXPECT_EQ(daemon_log().find(k_marker), std::string::npos) << daemon_log();
  EXPECT_EQ(files_containing(k_marker, placed), std::vector<std::string>{});
}

TEST_F(SecretsTest, AHostThatIsNotARecipientKeepsServingItsLastGoodRelease) {
  make_identity("age.key");
  const std::string someone_else = make_identity("other.key");
  deploy("1.0.0");
  commit_encrypted_hello("2.0.0", someone_else);
  const CommandResult run = run_with_identity(m_tmp / "age.key");
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("config/hello/hello.conf.age"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("is not one of its recipients"), std::string::npos) << run.err;
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");
  bool journaled = false;
  for (const auto& entry : journal(m_root))
    journaled = journaled || entry.dump().find("is not one of its recipients") != std::string::npos;
  EXPECT_TRUE(journaled);
  EXPECT_EQ(files_containing(k_marker, {}), std::vector<std::string>{});
}

TEST_F(SecretsTest, RefusesAnIdentityOthersCanReadOrThatIsASymlink) {
  const std::string recipient = make_identity("age.key");
  commit_encrypted_hello("1.0.0", recipient);
  fs::permissions(m_tmp / "age.key", fs::perms::others_read, fs::perm_options::add);
  const CommandResult open = run_with_identity(m_tmp / "age.key");
  EXPECT_EQ(open.exit_code, 1) << open.err;
  EXPECT_NE(open.err.find("readable or writable by group or others"), std::string::npos)
      << open.err;

  fs::permissions(m_tmp / "age.key", fs::perms::others_read, fs::perm_options::remove);
  fs::create_symlink(m_tmp / "age.key", m_tmp / "link.key");
  const CommandResult linked = run_with_identity(m_tmp / "link.key");
  EXPECT_EQ(linked.exit_code, 1) << linked.err;
  EXPECT_NE(linked.err.find("is a symlink"), std::string::npos) << linked.err;
  EXPECT_FALSE(fs::exists(m_root / "services/hello/current"));
}

TEST_F(SecretsTest, ValidateRefusesPlaintextWhereEncryptedAndAFileNoHostCanRead) {
  const std::string recipient = make_identity("age.key");
  commit_encrypted_hello("1.0.0", recipient);
  m_repo->write("hosts/web-01.yaml",
                "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: web-01}\nspec: {}\n");
  m_repo->commit("web-01 without recipients");
  const CommandResult unreadable = validate();
  EXPECT_EQ(unreadable.exit_code, 1) << unreadable.out;
  EXPECT_NE(unreadable.out.find("web-01 (which get it) can decrypt it"), std::string::npos)
      << unreadable.out;

  m_repo->write("secrets/recipients/web-01.txt", recipient + "\n");
  m_repo->commit("web-01's key");
  const CommandResult valid = validate();
  EXPECT_EQ(valid.exit_code, 0) << valid.out;

  m_repo->write("config/hello/hello.conf.age", "port=1\nmessage=" + k_marker + "\n");
  m_repo->commit("oops, plaintext");
  const CommandResult plaintext = validate();
  EXPECT_EQ(plaintext.exit_code, 1) << plaintext.out;
  EXPECT_NE(plaintext.out.find("is not age ciphertext"), std::string::npos) << plaintext.out;
  EXPECT_EQ(plaintext.out.find(k_marker), std::string::npos) << plaintext.out;
}

}  // namespace
}  // namespace tether::test
