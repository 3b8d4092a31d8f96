// secrets (#23): the installer decrypting `encryption: age` config files with the real age CLI.
#include "apply/release_installer.hpp"
#include "command.hpp"
#include "core/sha256.hpp"
#include "live/release_record.hpp"
#include "release_fixture.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>

namespace tether::secret_install_test {
namespace {

namespace fs = std::filesystem;
using test::ArchiveEntry;

const std::string k_secret_state_commit(40, '5');
const std::string k_plaintext = "DB_PASSWORD=unit-secret-4b7e\n";

class SecretInstall : public ::testing::Test {
 protected:
  SecretInstall() {
    test::run_ok({"age-keygen", "-o", m_identity.string()});
    const std::string recipient = test::run_ok({"age-keygen", "-y", m_identity.string()});
    m_recipient = recipient.substr(0, recipient.find('\n'));
  }

  std::string encrypt(const std::string& plaintext) const {
    const fs::path plain = m_tmp / "plain";
    const fs::path cipher = m_tmp / "cipher.age";
    test::write_text(plain, plaintext);
    test::run_ok({"age", "-r", m_recipient, "-o", cipher.string(), plain.string()});
    return test::read_text(cipher);
  }

  DesiredService secret_release(const std::string& ciphertext,
                                const std::vector<ArchiveEntry>& extra = {}) const {
    DesiredService desired =
        test::make_release(m_artifacts, "web", "1.0.0", {{"etc/secret.env", ciphertext}}, extra);
    desired.service.config.at(0).encryption = ConfigEncryption::age;
    return desired;
  }

  Status install(const DesiredService& desired) const {
    return install_release(
        m_layout, {}, desired, k_secret_state_commit, SecretSettings{m_identity});
  }

  test::TempDir m_tmp;
  Layout m_layout{m_tmp / "root"};
  fs::path m_artifacts = m_tmp / "artifacts";
  fs::path m_identity = m_tmp / "age.key";
  std::string m_recipient;
};

TEST_F(SecretInstall, PlacesThePlaintext0600AndRecordsOnlyTheCiphertextDigest) {
  const std::string ciphertext = encrypt(k_plaintext);
  const DesiredService desired = secret_release(ciphertext);
  ASSERT_TRUE(install(desired).ok());
  const fs::path dir = m_layout.release_dir("web", desired.release.dir_name());
  EXPECT_EQ(test::read_text(dir / "etc/secret.env"), k_plaintext);
  struct stat st {};
  ASSERT_EQ(::lstat((dir / "etc/secret.env").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_FALSE(fs::exists(dir / ".tether/age-input"));
  const std::string record_text = test::read_text(dir / k_release_record);
  EXPECT_EQ(record_text.find("unit-secret"), std::string::npos);
  EXPECT_EQ(record_text.find(Sha256::of(k_plaintext)), std::string::npos);
  const auto record = read_release_record(dir);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->config_digests.at("etc/secret.env"), Sha256::of(ciphertext));
  EXPECT_EQ(record->secret_targets, std::set<std::string>{"etc/secret.env"});
}

TEST_F(SecretInstall, ReplacesALinkFromTheArtifactInsteadOfWritingThroughIt) {
  const DesiredService desired =
      secret_release(encrypt(k_plaintext),
                     {{"etc", "", ArchiveEntry::Type::dir, 0755},
                      {"etc/secret.env", "../bin/web", ArchiveEntry::Type::symlink}});
  ASSERT_TRUE(install(desired).ok());  // the binary is verified last: it was not written over
  const fs::path dir = m_layout.release_dir("web", desired.release.dir_name());
  EXPECT_FALSE(fs::is_symlink(dir / "etc/secret.env"));
  EXPECT_EQ(test::read_text(dir / "etc/secret.env"), k_plaintext);
}

TEST_F(SecretInstall, RefusesAFileThatDecryptsTooLarge) {
  const Status status = install(secret_release(encrypt(std::string(70 * 1024, 'x'))));
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("decrypts to more than"), std::string::npos)
      << status.error().message;
  EXPECT_TRUE(fs::is_empty(m_layout.releases_dir("web")));
}

TEST_F(SecretInstall, RefusesAFileThisHostIsNotARecipientOf) {
  const fs::path other = m_tmp / "other.key";
  test::run_ok({"age-keygen", "-o", other.string()});
  const Status status = install_release(m_layout,
                                        {},
                                        secret_release(encrypt(k_plaintext)),
                                        k_secret_state_commit,
                                        SecretSettings{other});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("config/web/etc/secret.env"), std::string::npos)
      << status.error().message;
  EXPECT_NE(status.error().message.find("is not one of its recipients"), std::string::npos)
      << status.error().message;
  EXPECT_TRUE(fs::is_empty(m_layout.releases_dir("web")));
}

TEST_F(SecretInstall, RefusesAnIdentityOthersCanReadOrALink) {
  fs::permissions(m_identity, fs::perms::group_read, fs::perm_options::add);
  EXPECT_FALSE(check_age_identity(m_identity).ok());
  fs::permissions(m_identity, fs::perms::group_read, fs::perm_options::remove);
  EXPECT_TRUE(check_age_identity(m_identity).ok());
  fs::create_symlink(m_identity, m_tmp / "link.key");
  const Status linked = check_age_identity(m_tmp / "link.key");
  ASSERT_FALSE(linked.ok());
  EXPECT_NE(linked.error().message.find("symlink"), std::string::npos);
  EXPECT_FALSE(check_age_identity(m_tmp / "missing.key").ok());
}

}  // namespace
}  // namespace tether::secret_install_test
