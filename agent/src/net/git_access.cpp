#include "net/git_access.hpp"

#include "core/files.hpp"
#include "core/termination.hpp"
#include "net/git_url.hpp"
#include "net/known_hosts.hpp"
#include "source/git_handles.hpp"
#include "trust/ssh_key.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace tether {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_agent = "ssh-agent";

struct LocalUser {
  std::string name;
  fs::path home;
};

/// The user running the agent, as OpenSSH and git see it ($HOME first, as git reads it).
LocalUser local_user() {
  LocalUser user;
  if (const passwd* entry = ::getpwuid(::geteuid())) {
    user.name = entry->pw_name;
    user.home = entry->pw_dir;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') user.home = home;
  return user;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

/// What SSH authentication tries, in OpenSSH's order: the configured key only, or ssh-agent
/// (when SSH_AUTH_SOCK is set) and then the default identities that exist.
std::vector<std::string> ssh_identities(const RepoAccess& access, const LocalUser& user) {
  if (!access.ssh_key_file.empty()) return {access.ssh_key_file};
  std::vector<std::string> out;
  if (const char* sock = std::getenv("SSH_AUTH_SOCK"); sock != nullptr && *sock != '\0') {
    out.push_back(k_agent);
  }
  for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
    const fs::path key = user.home / ".ssh" / name;
    std::error_code error;
    if (fs::exists(key, error)) out.push_back(key.string());
  }
  return out;
}

/// OpenSSH refuses a private key that other users can read ("UNPROTECTED PRIVATE KEY FILE"),
/// because whoever read it may push to the state repo as this host. So does the agent, naming
/// the file and the fix, before the first connection rather than failing at an auth prompt.
Status key_is_private(const std::string& key_file) {
  struct stat info {};
  if (::stat(key_file.c_str(), &info) != 0) {
    return Error{"repo.sshKeyFile: cannot read " + key_file + ": " + errno_text(),
                 "write the deploy key's private half there (ssh-keygen -t ed25519 -f FILE)"};
  }
  if ((info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return Error{"repo.sshKeyFile: " + key_file + " is accessible by other users (mode " + mode +
                     "); refusing an unprotected private key, as OpenSSH does",
                 "chmod 600 " + key_file};
  }
  return ok_status();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "none" : out;
}

}  // namespace

struct GitSession::Impl {
  RepoAccess access;
  GitUrl url;
  std::string shown_url;  ///< redacted: no password ever reaches a message
  LocalUser user;
  std::string token;
  std::vector<std::string> identities;
  size_t next_identity = 0;
  bool token_given = false;
  std::optional<Error> refusal;
  void* user_data = nullptr;
  std::unique_ptr<StallWatchdog> watchdog;

  bool cut() const { return watchdog->reason() != StallReason::none; }
  int progress() {
    watchdog->activity();
    return cut() ? -1 : 0;
  }

  std::string username(const char* from_url, const char* fallback) const {
    if (!access.username.empty()) return access.username;
    if (from_url != nullptr && *from_url != '\0') return from_url;
    return fallback;
  }

  int refuse(Error error) {
    refusal = std::move(error);
    return GIT_EUSER;
  }

  int ssh_key(git_credential** out, const std::string& name) {
    while (next_identity < identities.size()) {
      const std::string& identity = identities[next_identity++];
      if (identity == k_agent) return git_credential_ssh_key_from_agent(out, name.c_str());
      const std::string pub = identity + ".pub";
      std::error_code error;
      const bool has_pub = fs::exists(pub, error);
      return git_credential_ssh_key_new(
          out, name.c_str(), has_pub ? pub.c_str() : nullptr, identity.c_str(), "");
    }
    return refuse(Error{
        "the SSH server refused user " + name + " with every key tried (" + joined(identities) +
            ")",
        "add the public key to the server's authorized keys for this repo, or name the key in "
        "repo.sshKeyFile"});
  }

  int userpass(git_credential** out, const char* from_url) {
    if (token.empty()) {
      return refuse(Error{"the server asks for credentials and agent.yaml gives none",
                          "write an access token into a file readable only by root and name it "
                          "in repo.tokenFile (and repo.username if the server wants one)"});
    }
    if (token_given) {
      return refuse(Error{"the server refused the token in " + access.token_file,
                          "check the token (expired? scope read access to the repo?) and "
                          "repo.username"});
    }
    token_given = true;
    const std::string name = username(from_url, "x-access-token");
    return git_credential_userpass_plaintext_new(out, name.c_str(), token.c_str());
  }

  int credentials(git_credential** out, const char* from_url, unsigned int allowed) {
    if (cut()) return GIT_EUSER;
    if ((allowed & GIT_CREDENTIAL_USERNAME) != 0) {
      return git_credential_username_new(out, username(from_url, user.name.c_str()).c_str());
    }
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0) {
      return ssh_key(out, username(from_url, user.name.c_str()));
    }
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0) return userpass(out, from_url);
    return refuse(Error{"the server asks for a kind of credentials tether cannot give",
                        "use an SSH key (repo.sshKeyFile) or a token (repo.tokenFile)"});
  }

  fs::path known_hosts_file() const {
    return access.known_hosts.empty() ? user.home / ".ssh" / "known_hosts"
                                      : fs::path(access.known_hosts);
  }

  int host_key(const git_cert_hostkey& cert, const std::string& host) {
    if ((cert.type & GIT_CERT_SSH_RAW) == 0) {
      return refuse(Error{"libgit2 did not give the SSH host key of " + host, ""});
    }
    const std::string blob(cert.hostkey, cert.hostkey_len);
    const fs::path file = known_hosts_file();
    const std::string text = read_file(file).value_or("");
    const std::string name = known_hosts_name(host, url.port);
    const std::vector<KnownHostKey> known = known_keys(text, name);
    const HostKeyVerdict verdict = check_host_key(known, blob);
    if (verdict == HostKeyVerdict::trusted) return 0;
    const std::string offered = key_type_of(blob) + " " + ssh_fingerprint(blob);
    const std::string add = "ssh-keyscan" +
                            (url.port != 22 ? " -p " + std::to_string(url.port) : "") + " " + host +
                            " >> " + file.string();
    if (verdict == HostKeyVerdict::unknown) {
      return refuse(Error{"the SSH host key of " + name + " (" + offered + ") is not in " +
                              file.string() + ": refusing an unknown host",
                          "check that fingerprint with the server's admin, then add the key (`" +
                              add + "`, or repo.knownHosts names another file)"});
    }
    if (verdict == HostKeyVerdict::revoked) {
      return refuse(
          Error{"the SSH host key of " + name + " (" + offered + ") is revoked in " + file.string(),
                "the server must use another key"});
    }
    std::string listed;
    for (const KnownHostKey& key : known) {
      if (key.type == key_type_of(blob)) listed += " " + ssh_fingerprint(key.blob);
    }
    return refuse(Error{"the SSH host key of " + name + " CHANGED: it offered " + offered + ", " +
                            file.string() + " lists" + listed,
                        "this may be a man-in-the-middle attack; if the server's key really "
                        "changed, replace its line in " +
                            file.string()});
  }

  int certificate(git_cert* cert, int valid, const char* host) {
    if (cut()) return GIT_EUSER;
    if (cert->cert_type == GIT_CERT_HOSTKEY_LIBSSH2) {
      return host_key(*reinterpret_cast<git_cert_hostkey*>(cert), host);
    }
    if (valid != 0) return 0;
    const std::string trusted = access.ca_file.empty()
                                    ? "the system CAs"
                                    : "the system CAs nor repo.caFile " + access.ca_file;
    return refuse(Error{"the TLS certificate of " + std::string(host) + " is not trusted by " +
                            trusted + " (or does not name that host)",
                        "set repo.caFile to the PEM file of the CA that signed the server's "
                        "certificate"});
  }
};

namespace {

GitSession::Impl& impl_of(void* payload) { return *static_cast<GitSession::Impl*>(payload); }

int on_credentials(git_credential** out,
                   const char* /*url*/,
                   const char* username_from_url,
                   unsigned int allowed_types,
                   void* payload) {
  return impl_of(payload).credentials(out, username_from_url, allowed_types);
}
int on_certificate(git_cert* cert, int valid, const char* host, void* payload) {
  return impl_of(payload).certificate(cert, valid, host);
}
int on_transfer(const git_indexer_progress*, void* payload) { return impl_of(payload).progress(); }
int on_sideband(const char*, int, void* payload) { return impl_of(payload).progress(); }
int on_pack(int, uint32_t, uint32_t, void* payload) { return impl_of(payload).progress(); }
int on_push_transfer(unsigned int, unsigned int, size_t, void* payload) {
  return impl_of(payload).progress();
}

Status use_ca_file(const std::string& ca_file) {
  if (ca_file.empty()) return ok_status();
  std::error_code error;
  if (!fs::is_regular_file(ca_file, error)) {
    return Error{"repo.caFile: " + ca_file + " is not a file",
                 "name the PEM file of the CA that signed the state repo server's certificate"};
  }
  // Process-wide in libgit2, and added to (not replacing) the system's default paths.
  if (git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, ca_file.c_str(), nullptr) != 0) {
    return Error{"repo.caFile: cannot load " + ca_file + ": " + git::last_error_message(),
                 "it must hold PEM certificates"};
  }
  return ok_status();
}

}  // namespace

GitSession::GitSession(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
GitSession::~GitSession() = default;

Result<std::unique_ptr<GitSession>> GitSession::start(
    const RepoAccess& access,
    const std::string& url,
    std::optional<StallWatchdog::Clock::time_point> deadline) {
  auto impl = std::make_unique<Impl>();
  impl->access = access;
  impl->url = parse_git_url(url);
  impl->shown_url = redacted_url(url);
  if (!access.token_file.empty()) {
    auto token = read_file(access.token_file);
    if (!token) {
      return Error{"repo.tokenFile: " + token.error().message,
                   "write the Git server's access token into that file"};
    }
    impl->token = trimmed(*token);
  }
  std::error_code missing;
  if (!access.known_hosts.empty() && !fs::exists(access.known_hosts, missing)) {
    return Error{"repo.knownHosts: " + access.known_hosts + " does not exist",
                 "write the server's host key there (ssh-keyscan -p PORT HOST > FILE)"};
  }
  if (Status ca = use_ca_file(access.ca_file); !ca) return ca.error();
  if (impl->url.scheme == "ssh" && !access.ssh_key_file.empty()) {
    if (Status key = key_is_private(access.ssh_key_file); !key) return key.error();
  }
  if (impl->url.scheme == "ssh") {
    // Only SSH authenticates as the local user: a git:// or http(s) poll looks up neither the
    // user (getpwuid reads /etc/passwd) nor its keys, a fifth of a quiet poll's CPU before.
    impl->user = local_user();
    impl->identities = ssh_identities(access, impl->user);
  }
  impl->watchdog = std::make_unique<StallWatchdog>(impl->url.port, access.timeout, deadline);
  return std::unique_ptr<GitSession>(new GitSession(std::move(impl)));
}

git_remote_callbacks GitSession::callbacks() {
  git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
  callbacks.credentials = on_credentials;
  callbacks.certificate_check = on_certificate;
  callbacks.transfer_progress = on_transfer;
  callbacks.sideband_progress = on_sideband;
  callbacks.pack_progress = on_pack;
  callbacks.push_transfer_progress = on_push_transfer;
  callbacks.payload = m_impl.get();
  return callbacks;
}

git_remote_connect_options GitSession::connect_options() {
  git_remote_connect_options options = GIT_REMOTE_CONNECT_OPTIONS_INIT;
  options.callbacks = callbacks();
  options.follow_redirects = k_follow_redirects;
  return options;
}

void GitSession::set_user_data(void* data) { m_impl->user_data = data; }
void* GitSession::user_data(void* payload) { return impl_of(payload).user_data; }

StallReason GitSession::stalled() const { return m_impl->watchdog->reason(); }

Error GitSession::failure(const std::string& what, const std::string& hint) const {
  switch (m_impl->watchdog->reason()) {
    case StallReason::stopping:
      return stop_requested_error(what);
    case StallReason::timed_out:
      return Error{what + ": no answer from " + m_impl->shown_url + " within " +
                       format_duration(m_impl->watchdog->idle()) + " (repo.timeout): timed out",
                   "check that the Git server is up and answers; raise repo.timeout for a slow "
                   "link"};
    case StallReason::none:
      break;
  }
  if (m_impl->refusal) return Error{what + ": " + m_impl->refusal->message, m_impl->refusal->hint};
  return Error{what + ": " + git::last_error_message(), hint};
}

}  // namespace tether
