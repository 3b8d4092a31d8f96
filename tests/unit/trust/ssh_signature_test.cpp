#include "trust/ssh_signature.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tether::ssh_signature_test {
namespace {

namespace fs = std::filesystem;

const auto k_now = std::chrono::system_clock::now();

/// A key made by ssh-keygen: the private key file and its .pub line.
struct SigningKey {
  fs::path private_key;
  std::string public_line;  ///< "ssh-ed25519 AAAA... test"

  [[nodiscard]] std::string blob() const {
    const auto start = public_line.find(' ') + 1;
    return decode_base64(public_line.substr(start, public_line.find(' ', start) - start)).value();
  }
};

SigningKey make_signing_key(const fs::path& dir,
                            const std::string& name,
                            std::vector<std::string> type) {
  const auto path = dir / name;
  std::vector<std::string> argv = {"ssh-keygen", "-q", "-N", "", "-C", "test", "-f", path.string()};
  argv.insert(argv.end(), type.begin(), type.end());
  test::run_ok(argv);
  auto line = test::read_text(path.string() + ".pub");
  while (line.ends_with('\n')) line.pop_back();
  return SigningKey{path, line};
}

std::string encode_base64(std::string_view data) {
  static constexpr char k_alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t n = uint32_t{static_cast<uint8_t>(data[i])} << 16;
    if (i + 1 < data.size()) n |= uint32_t{static_cast<uint8_t>(data[i + 1])} << 8;
    if (i + 2 < data.size()) n |= static_cast<uint8_t>(data[i + 2]);
    out += k_alphabet[(n >> 18) & 63];
    out += k_alphabet[(n >> 12) & 63];
    out += i + 1 < data.size() ? k_alphabet[(n >> 6) & 63] : '=';
    out += i + 2 < data.size() ? k_alphabet[n & 63] : '=';
  }
  return out;
}

std::string armor(std::string_view blob) {
  std::string out = "-----BEGIN SSH SIGNATURE-----\n";
  const auto base64 = encode_base64(blob);
  for (size_t i = 0; i < base64.size(); i += 70) out += base64.substr(i, 70) + "\n";
  return out + "-----END SSH SIGNATURE-----\n";
}

std::string dearmor(std::string_view armored) {
  std::string base64;
  for (char c : armored.substr(armored.find('\n'), armored.find("-----END") - armored.find('\n'))) {
    if (c != '\n') base64 += c;
  }
  return decode_base64(base64).value();
}

std::string wire_string(std::string_view value) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>(value.size() >> shift));
  }
  return out.append(value);
}

/// An SSHSIG blob put together field by field, for inputs ssh-keygen would never write.
struct SshSigFields {
  std::string public_key;
  std::string name_space = "git";
  std::string hash_algorithm = "sha512";
  std::string signature_format;
  std::string signature;
  std::string version = std::string("\0\0\0\1", 4);

  [[nodiscard]] std::string blob() const {
    return "SSHSIG" + version + wire_string(public_key) + wire_string(name_space) +
           wire_string("") + wire_string(hash_algorithm) +
           wire_string(wire_string(signature_format) + wire_string(signature));
  }
};

struct SigningKeys {
  test::TempDir dir;
  SigningKey ed25519 = make_signing_key(dir.path(), "ed25519", {"-t", "ed25519"});
  SigningKey ecdsa = make_signing_key(dir.path(), "ecdsa", {"-t", "ecdsa", "-b", "256"});
  // PEM so that `openssl dgst -sign` can make the RSA signatures ssh-keygen does not.
  SigningKey rsa = make_signing_key(dir.path(), "rsa", {"-t", "rsa", "-b", "2048", "-m", "PEM"});
  SigningKey stranger = make_signing_key(dir.path(), "stranger", {"-t", "ed25519"});
};

class SshSignatureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { s_keys = std::make_unique<SigningKeys>(); }
  static void TearDownTestSuite() { s_keys.reset(); }

  static const SigningKeys& keys() { return *s_keys; }

  /// `ssh-keygen -Y sign` over `message`; returns the armored signature.
  std::string sign(const SigningKey& key,
                   const std::string& message,
                   const std::string& name_space = "git",
                   const std::vector<std::string>& options = {}) {
    const auto file = m_tmp / ("msg" + std::to_string(++m_count));
    test::write_text(file, message);
    std::vector<std::string> argv = {"ssh-keygen", "-q", "-Y", "sign", "-n", name_space};
    argv.insert(argv.end(), options.begin(), options.end());
    argv.insert(argv.end(), {"-f", key.private_key.string(), file.string()});
    test::run_ok(argv);
    return test::read_text(file.string() + ".sig");
  }

  /// `openssl dgst -<digest> -sign` with the PEM RSA key.
  std::string rsa_sign(const std::string& data, const std::string& digest) {
    const auto in = m_tmp / "data";
    const auto out = m_tmp / "sig.bin";
    test::write_text(in, data);
    test::run_ok(
        {"openssl", "dgst", "-" + digest, "-sign", keys().rsa.private_key, "-out", out, in});
    return test::read_text(out);
  }

  static AllowedSigners signers(const std::string& text) {
    auto parsed = parse_allowed_signers(text);
    EXPECT_TRUE(parsed.ok()) << parsed.error().describe();
    return parsed.value_or({});
  }
  static AllowedSigners alice(const SigningKey& key) {
    return signers("alice@example.com " + key.public_line + "\n");
  }

  static std::string fingerprint_by_ssh_keygen(const SigningKey& key) {
    const auto out = test::run_ok({"ssh-keygen", "-l", "-f", key.private_key.string() + ".pub"});
    const auto start = out.find(' ') + 1;
    return out.substr(start, out.find(' ', start) - start);  // "256 SHA256:... test (ED25519)"
  }

  test::TempDir m_tmp;
  int m_count = 0;

 private:
  static inline std::unique_ptr<SigningKeys> s_keys;
};

void expect_error(const Result<SignatureCheck>& result, const std::string& expected) {
  ASSERT_FALSE(result.ok()) << "verified, but expected: " << expected;
  EXPECT_NE(result.error().message.find(expected), std::string::npos) << result.error().message;
}

TEST_F(SshSignatureTest, VerifiesEachKeyTypeAndReportsWhoSigned) {
  const std::vector<std::pair<const SigningKey*, std::string>> cases = {
      {&keys().ed25519, "ssh-ed25519"},
      {&keys().ecdsa, "ecdsa-sha2-nistp256"},
      {&keys().rsa, "ssh-rsa"}};
  for (const auto& [key, type] : cases) {
    const std::string message = "tree 1234\n\ncommit by " + type + "\n";
    auto check = verify_ssh_signature(sign(*key, message), message, alice(*key), k_now);
    ASSERT_TRUE(check.ok()) << type << ": " << check.error().describe();
    EXPECT_EQ(*check, (SignatureCheck{"alice@example.com", type, fingerprint_by_ssh_keygen(*key)}));
  }
}

TEST_F(SshSignatureTest, VerifiesASha256MessageHash) {
  const auto sig = sign(keys().ed25519, "m\n", "git", {"-O", "hashalg=sha256"});
  auto check = verify_ssh_signature(sig, "m\n", alice(keys().ed25519), k_now);
  EXPECT_TRUE(check.ok()) << check.error().describe();
}

TEST_F(SshSignatureTest, RejectsATamperedMessageForEachKeyType) {
  for (const auto* key : {&keys().ed25519, &keys().ecdsa, &keys().rsa}) {
    const auto sig = sign(*key, "deploy v1.2.3\n");
    expect_error(verify_ssh_signature(sig, "deploy v1.2.4\n", alice(*key), k_now),
                 "signature does not match the commit (tampered?)");
  }
}

TEST_F(SshSignatureTest, RejectsAnUnlistedKeyNamingItsFingerprint) {
  const auto sig = sign(keys().stranger, "m\n");
  const auto result = verify_ssh_signature(sig, "m\n", alice(keys().ed25519), k_now);
  expect_error(result,
               "signed by a key not in allowed signers: " +
                   fingerprint_by_ssh_keygen(keys().stranger) + " (ssh-ed25519)");
}

TEST_F(SshSignatureTest, RejectsASignatureForAnotherNamespace) {
  const auto sig = sign(keys().ed25519, "m\n", "file");
  expect_error(verify_ssh_signature(sig, "m\n", alice(keys().ed25519), k_now),
               "namespace \"file\", not \"git\"");
}

TEST_F(SshSignatureTest, RefusesAKeyWhoseNamespacesExcludeGit) {
  const auto listed =
      signers("# ops\nalice@example.com namespaces=\"file\" " + keys().ed25519.public_line + "\n");
  expect_error(verify_ssh_signature(sign(keys().ed25519, "m\n"), "m\n", listed, k_now),
               "allowed_signers:2: key may not sign git commits");
}

TEST_F(SshSignatureTest, UsesTheFirstLineThatMaySignCommits) {
  const auto& key = keys().ed25519;
  const auto listed = signers("bob namespaces=\"file\" " + key.public_line + "\n" +
                              "carol,dave namespaces=\"git,file\" " + key.public_line + "\n");
  auto check = verify_ssh_signature(sign(key, "m\n"), "m\n", listed, k_now);
  ASSERT_TRUE(check.ok()) << check.error().describe();
  EXPECT_EQ(check->principal, "carol,dave");
}

TEST_F(SshSignatureTest, HonorsTheValidityWindowAtTheGivenTime) {
  const auto& key = keys().ed25519;
  const auto sig = sign(key, "m\n");
  const auto listed =
      signers("alice valid-after=\"20200101Z\",valid-before=\"20300101Z\" " + key.public_line);
  using namespace std::chrono;
  EXPECT_TRUE(verify_ssh_signature(sig, "m\n", listed, sys_days{2025y / 6 / 1}).ok());
  expect_error(verify_ssh_signature(sig, "m\n", listed, sys_days{2019y / 12 / 31}),
               "key is not valid before 2020-01-01T00:00:00Z");
  expect_error(verify_ssh_signature(sig, "m\n", listed, sys_days{2030y / 1 / 2}),
               "key expired at 2030-01-01T00:00:00Z");
}

TEST_F(SshSignatureTest, RefusesGpgSignatures) {
  const std::string gpg = "-----BEGIN PGP SIGNATURE-----\n\niQEz\n-----END PGP SIGNATURE-----\n";
  expect_error(verify_ssh_signature(gpg, "m\n", alice(keys().ed25519), k_now),
               "not an SSH signature (gpg signatures are not supported)");
}

TEST_F(SshSignatureTest, RejectsMalformedArmorCleanly) {
  const auto good = sign(keys().ed25519, "m\n");
  const std::string begin = "-----BEGIN SSH SIGNATURE-----\n";
  const std::string end = "-----END SSH SIGNATURE-----\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "not an SSH signature"},
      {"garbage", "not an SSH signature"},
      {good.substr(0, good.size() / 2), "no -----END SSH SIGNATURE----- line"},
      {begin + "U1NIU0lH!!!!\n" + end, "invalid base64"},
      {begin + "U1NIU0lHA\n" + end, "invalid base64"},
      {begin + "====\n" + end, "invalid base64"},
      {begin + end, "invalid base64"},
      {good + "trailing text\n", "unexpected text after"},
      {armor("hello world"), "does not start with SSHSIG"},
      {armor("SSHSIG"), "truncated"},
  };
  for (const auto& [input, expected] : cases) {
    expect_error(verify_ssh_signature(input, "m\n", alice(keys().ed25519), k_now), expected);
  }
}

TEST_F(SshSignatureTest, RejectsEveryTruncationAndEverySingleByteChange) {
  const auto blob = dearmor(sign(keys().ecdsa, "m\n"));
  const auto listed = alice(keys().ecdsa);
  ASSERT_TRUE(verify_ssh_signature(armor(blob), "m\n", listed, k_now).ok());
  for (size_t size = 0; size < blob.size(); ++size) {
    EXPECT_FALSE(verify_ssh_signature(armor(blob.substr(0, size)), "m\n", listed, k_now).ok())
        << "truncated to " << size;
  }
  for (size_t i = 0; i < blob.size(); ++i) {
    auto changed = blob;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    EXPECT_FALSE(verify_ssh_signature(armor(changed), "m\n", listed, k_now).ok()) << "byte " << i;
  }
}

TEST_F(SshSignatureTest, RejectsUnsupportedFieldsInAWellFormedBlob) {
  SshSigFields fields{keys().ed25519.blob(), "git", "sha512", "ssh-ed25519", std::string(64, 'x')};
  const auto listed = alice(keys().ed25519);
  auto check = [&](const SshSigFields& f) {
    return verify_ssh_signature(armor(f.blob()), "m\n", listed, k_now);
  };
  expect_error(check(fields), "signature does not match the commit");
  auto changed = fields;
  changed.version = std::string("\0\0\0\2", 4);
  expect_error(check(changed), "version 2 is not supported");
  changed = fields;
  changed.hash_algorithm = "md5";
  expect_error(check(changed), "uses hash \"md5\"; supported: sha256, sha512");
  changed = fields;
  changed.signature_format = "rsa-sha2-512";
  expect_error(check(changed), "signature algorithm \"rsa-sha2-512\" does not fit a ssh-ed25519");
  expect_error(verify_ssh_signature(armor(fields.blob() + "x"), "m\n", listed, k_now),
               "truncated or malformed");
}

TEST_F(SshSignatureTest, AcceptsRsaSha256AndRefusesSha1RsaSignatures) {
  const std::string message = "m\n";
  test::write_text(m_tmp / "message", message);
  const auto hash = test::run_ok({"openssl", "dgst", "-sha512", "-binary", m_tmp / "message"});
  const auto data =
      "SSHSIG" + wire_string("git") + wire_string("") + wire_string("sha512") + wire_string(hash);
  SshSigFields fields{keys().rsa.blob(), "git", "sha512", "rsa-sha2-256", ""};
  fields.signature = rsa_sign(data, "sha256");
  auto check = verify_ssh_signature(armor(fields.blob()), message, alice(keys().rsa), k_now);
  ASSERT_TRUE(check.ok()) << check.error().describe();
  EXPECT_EQ(check->key_type, "ssh-rsa");

  fields.signature_format = "ssh-rsa";
  fields.signature = rsa_sign(data, "sha1");
  expect_error(verify_ssh_signature(armor(fields.blob()), message, alice(keys().rsa), k_now),
               "SHA-1 RSA signatures (ssh-rsa) are refused");
}

TEST_F(SshSignatureTest, CheckPublicKeyRefusesAnEcdsaPointOffTheCurve) {
  auto blob = keys().ecdsa.blob();
  ASSERT_EQ(check_public_key(blob).value_or(""), "ecdsa-sha2-nistp256");
  blob.back() = static_cast<char>(blob.back() ^ 0x01);
  auto result = check_public_key(blob);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("point is not on curve"), std::string::npos)
      << result.error().message;
}

TEST_F(SshSignatureTest, FingerprintMatchesSshKeygen) {
  for (const auto* key : {&keys().ed25519, &keys().ecdsa, &keys().rsa}) {
    EXPECT_EQ(ssh_fingerprint(key->blob()), fingerprint_by_ssh_keygen(*key));
  }
}

/// A commit object split the way git verifies it: the gpgsig header (with its continuation
/// lines) is the signature, and the object without it is what was signed.
struct SignedGitCommit {
  std::string signature;
  std::string payload;
};

SignedGitCommit split_signed_commit(std::string_view object) {
  SignedGitCommit out;
  bool in_header = true;
  bool in_signature = false;
  while (!object.empty()) {
    const auto newline = object.find('\n');
    const auto line =
        object.substr(0, newline == std::string_view::npos ? object.size() : newline + 1);
    object.remove_prefix(line.size());
    if (in_header && (line.starts_with("gpgsig ") || (in_signature && line.starts_with(' ')))) {
      out.signature += line.substr(line.find(' ') + 1);
      in_signature = true;
      continue;
    }
    in_signature = false;
    in_header = in_header && line != "\n";
    out.payload += line;
  }
  return out;
}

TEST_F(SshSignatureTest, VerifiesARealSignedGitCommit) {
  const auto repo = m_tmp / "repo";
  // No env override: Boost 1.74's environment lookup overreads under ASan. The -c options
  // below override whatever the user's git config says.
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", repo.string()});
    return test::run_ok(args);
  };
  fs::create_directories(repo);
  git({"init", "-q"});
  git({"-c",
       "gpg.format=ssh",
       "-c",
       "user.signingkey=" + keys().ed25519.private_key.string(),
       "-c",
       "user.name=t",
       "-c",
       "user.email=t@x",
       "commit",
       "-q",
       "-S",
       "--allow-empty",
       "-m",
       "deploy web 1.2.3"});
  const auto commit = split_signed_commit(git({"cat-file", "commit", "HEAD"}));
  ASSERT_NE(commit.signature.find("-----BEGIN SSH SIGNATURE-----"), std::string::npos);
  ASSERT_EQ(commit.payload.find("gpgsig"), std::string::npos);

  auto check = verify_ssh_signature(commit.signature, commit.payload, alice(keys().ed25519), k_now);
  ASSERT_TRUE(check.ok()) << check.error().describe();
  EXPECT_EQ(check->fingerprint, fingerprint_by_ssh_keygen(keys().ed25519));

  auto tampered = commit.payload;
  tampered.replace(tampered.find("1.2.3"), 5, "6.6.6");
  expect_error(verify_ssh_signature(commit.signature, tampered, alice(keys().ed25519), k_now),
               "signature does not match the commit (tampered?)");
}

}  // namespace
}  // namespace tether::ssh_signature_test
