#include "apply/age_decryptor.hpp"

#include "core/files.hpp"

#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace tether {
namespace {

constexpr Millis k_age_timeout{std::chrono::seconds(10)};

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

Status check_age_identity(const std::filesystem::path& identity) {
  const std::string name = "age identity " + identity.string();
  struct stat st {};
  if (::lstat(identity.c_str(), &st) != 0) {
    return Error{name + " cannot be read: " + errno_text(),
                 "create it on this host: age-keygen -o " + identity.string() +
                     ", then add its public key to the state repo's secrets/recipients/"};
  }
  if (S_ISLNK(st.st_mode)) {
    return Error{name + " is a symlink",
                 "point secrets.ageIdentityFile at the file itself (a link could be redirected)"};
  }
  if (!S_ISREG(st.st_mode)) return Error{name + " is not a regular file", ""};
  if (st.st_uid != ::geteuid()) {
    return Error{name + " is not owned by the agent's user",
                 "chown it to the user the agent runs as"};
  }
  if ((st.st_mode & 077) != 0) {
    return Error{
        name + " is readable or writable by group or others (mode " + octal_mode(st.st_mode) + ")",
        "chmod 600 " + identity.string()};
  }
  return ok_status();
}

Result<std::string> decrypt_age_file(CommandRunner& runner,
                                     const std::filesystem::path& identity,
                                     const std::filesystem::path& ciphertext,
                                     const std::string& source) {
  const Command command{{"age", "--decrypt", "--identity", identity.string(), ciphertext.string()},
                        {},
                        {},
                        k_age_timeout};
  auto output = runner.run(command);
  if (!output) {
    return Error{"cannot decrypt " + source + ": " + output.error().message,
                 "install the age package on this host (apt-get install age)"};
  }
  if (output->exit_code != 0 || output->timed_out) {
    // What age wrote to stdout before it failed is plaintext (it writes each authenticated
    // chunk before reading the next): wiped, and never quoted. describe_failure() would quote
    // it when stderr is empty (age killed by a signal), so the message is built here from
    // stderr alone: age's own messages name keys and headers, never plaintext.
    ::explicit_bzero(output->out.data(), output->out.size());
    output->out.clear();
    if (output->err.find("no identity matched") != std::string::npos) {
      return Error{"cannot decrypt " + source + ": this host's identity " + identity.string() +
                       " is not one of its recipients",
                   "add this host's public key (age-keygen -y " + identity.string() +
                       ") to secrets/recipients/<host>.txt and re-encrypt " + source};
    }
    return Error{"cannot decrypt " + source + ": " + describe_failure(command, *output), ""};
  }
  if (output->out.size() > k_max_secret_bytes) {
    ::explicit_bzero(output->out.data(), output->out.size());
    return Error{"cannot place " + source + ": it decrypts to more than " +
                     std::to_string(k_max_secret_bytes) + " bytes",
                 "keep secrets small: large files do not belong in an encrypted config file"};
  }
  return std::move(output->out);
}

}  // namespace tether
