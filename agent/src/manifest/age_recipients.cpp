#include "manifest/age_recipients.hpp"

#include <algorithm>
#include <sstream>

namespace tether {
namespace {

// bech32's data alphabet: an "age1" key is this, lower case, 58 characters after the prefix.
constexpr std::string_view k_bech32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr size_t k_x25519_length = 62;

bool is_x25519_recipient(const std::string& line) {
  return line.size() == k_x25519_length && line.starts_with("age1") &&
         std::all_of(line.begin() + 4, line.end(), [](char c) {
           return k_bech32.find(c) != std::string_view::npos;
         });
}

bool is_ssh_recipient(const std::string& line) {
  return line.starts_with("ssh-ed25519 ") || line.starts_with("ssh-rsa ");
}

std::string trimmed(const std::string& line) {
  const size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

std::string recipients_path(const std::string& host) {
  return "secrets/recipients/" + host + ".txt";
}

Result<std::vector<std::string>> parse_age_recipients(const std::string& text) {
  std::vector<std::string> recipients;
  std::istringstream in(text);
  int number = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++number;
    const std::string line = trimmed(raw);
    if (line.empty() || line.starts_with("#")) continue;
    if (!is_x25519_recipient(line) && !is_ssh_recipient(line)) {
      return Error{"line " + std::to_string(number) +
                       " is not an age recipient (age1... or an ssh-ed25519/ssh-rsa public key)",
                   "put the output of `age-keygen -y IDENTITY` there, one key per line"};
    }
    recipients.push_back(line);
  }
  if (recipients.empty()) {
    return Error{"no recipient in it", "add the host's key: age-keygen -y /etc/tether/age.key"};
  }
  return recipients;
}

}  // namespace tether
