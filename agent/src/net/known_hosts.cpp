#include "net/known_hosts.hpp"

#include "core/hmac.hpp"
#include "trust/ssh_key.hpp"

namespace tether {
namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

/// OpenSSH's match_pattern: `*` any run, `?` any one character, case-insensitive host names.
bool glob(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern[0] == '*') {
    for (size_t skip = 0; skip <= text.size(); ++skip) {
      if (glob(pattern.substr(1), text.substr(skip))) return true;
    }
    return false;
  }
  if (text.empty()) return false;
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  if (pattern[0] != '?' && lower(pattern[0]) != lower(text[0])) return false;
  return glob(pattern.substr(1), text.substr(1));
}

/// `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as `ssh-keygen -H` writes.
bool hashed_match(std::string_view entry, std::string_view name) {
  const auto parts = split(entry.substr(3), '|');
  if (parts.size() != 2) return false;
  auto salt = decode_base64(parts[0]);
  auto hash = decode_base64(parts[1]);
  if (!salt || !hash) return false;
  return equal_constant_time(hmac_sha1_raw(*salt, name), *hash);
}

bool hosts_match(std::string_view patterns, std::string_view name) {
  if (patterns.substr(0, 3) == "|1|") return hashed_match(patterns, name);
  bool matched = false;
  for (std::string_view pattern : split(patterns, ',')) {
    const bool negated = !pattern.empty() && pattern[0] == '!';
    if (!glob(negated ? pattern.substr(1) : pattern, name)) continue;
    if (negated) return false;  // an excluded host is not listed, whatever else matches
    matched = true;
  }
  return matched;
}

}  // namespace

std::string known_hosts_name(std::string_view host, int port) {
  if (port <= 0 || port == 22) return std::string(host);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

std::string key_type_of(std::string_view blob) {
  if (blob.size() < 4) return "";
  const auto byte = [&](size_t i) {
    return static_cast<size_t>(static_cast<unsigned char>(blob[i]));
  };
  const size_t length = byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
  if (length > blob.size() - 4) return "";
  return std::string(blob.substr(4, length));
}

std::vector<KnownHostKey> known_keys(std::string_view text, std::string_view name) {
  std::vector<KnownHostKey> keys;
  for (std::string_view line : split(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto parts = fields(line);
    if (parts.empty() || parts[0][0] == '#') continue;
    bool revoked = false;
    if (parts[0][0] == '@') {
      if (parts[0] != "@revoked") continue;  // @cert-authority: host certificates, not keys
      revoked = true;
      parts.erase(parts.begin());
    }
    if (parts.size() < 3 || !hosts_match(parts[0], name)) continue;
    auto blob = decode_base64(parts[2]);
    if (!blob || key_type_of(*blob) != parts[1]) continue;
    keys.push_back(KnownHostKey{std::string(parts[1]), std::move(*blob), revoked});
  }
  return keys;
}

HostKeyVerdict check_host_key(const std::vector<KnownHostKey>& known, std::string_view blob) {
  const std::string type = key_type_of(blob);
  bool listed = false;
  bool other_of_type = false;
  for (const KnownHostKey& key : known) {
    if (key.blob == blob && key.revoked) return HostKeyVerdict::revoked;
    if (key.revoked) continue;
    if (key.blob == blob)
      listed = true;
    else if (key.type == type)
      other_of_type = true;
  }
  if (listed) return HostKeyVerdict::trusted;
  return other_of_type ? HostKeyVerdict::changed : HostKeyVerdict::unknown;
}

}  // namespace tether
