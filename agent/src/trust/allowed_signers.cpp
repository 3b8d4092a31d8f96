#include "trust/allowed_signers.hpp"

#include "core/files.hpp"
#include "trust/ssh_signature.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace tether {
namespace {

using std::chrono::sys_seconds;

constexpr std::array<std::string_view, 3> k_key_types = {
    "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa"};
constexpr const char* k_format_hint =
    "expected \"principals [options] keytype base64-key [comment]\", see ssh-keygen(1) "
    "ALLOWED SIGNERS";

bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// Splits off the next blank-delimited token; double quotes protect blanks inside it.
Result<std::string_view> next_token(std::string_view& rest) {
  size_t start = 0;
  while (start < rest.size() && is_blank(rest[start])) ++start;
  bool quoted = false;
  size_t end = start;
  for (; end < rest.size() && (quoted || !is_blank(rest[end])); ++end) {
    if (rest[end] == '"') quoted = !quoted;
  }
  if (quoted) return Error{"unterminated quote", "close the \" on this line"};
  const auto token = rest.substr(start, end - start);
  rest.remove_prefix(end);
  return token;
}

/// Splits on commas outside double quotes.
std::vector<std::string_view> split_list(std::string_view text) {
  std::vector<std::string_view> parts;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && !quoted)) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    } else if (text[i] == '"') {
      quoted = !quoted;
    }
  }
  return parts;
}

std::string_view unquote(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    return text.substr(1, text.size() - 2);
  }
  return text;
}

Result<std::vector<std::string>> parse_patterns(std::string_view text, std::string_view what) {
  std::vector<std::string> patterns;
  for (const auto part : split_list(unquote(text))) {
    if (part.empty() || part.find('"') != std::string_view::npos) {
      return Error{"bad " + std::string(what) + " list \"" + std::string(text) + "\"",
                   "separate " + std::string(what) + " with commas, no blanks"};
    }
    patterns.emplace_back(part);
  }
  return patterns;
}

int digits_value(std::string_view text, size_t pos, size_t length) {
  int value = 0;
  for (char c : text.substr(pos, length)) value = value * 10 + (c - '0');
  return value;
}

/// YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS with an optional "Z"; read as UTC.
std::optional<sys_seconds> parse_time(std::string_view text) {
  if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) text.remove_suffix(1);
  if (text.size() != 8 && text.size() != 12 && text.size() != 14) return std::nullopt;
  if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day date{year{digits_value(text, 0, 4)},
                            month{static_cast<unsigned>(digits_value(text, 4, 2))},
                            day{static_cast<unsigned>(digits_value(text, 6, 2))}};
  const int hh = text.size() >= 12 ? digits_value(text, 8, 2) : 0;
  const int mm = text.size() >= 12 ? digits_value(text, 10, 2) : 0;
  const int ss = text.size() == 14 ? digits_value(text, 12, 2) : 0;
  if (!date.ok() || hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  return sys_seconds{sys_days{date} + hours{hh} + minutes{mm} + seconds{ss}};
}

std::string format_time(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(time);
  const auto days_part = floor<days>(secs);
  const year_month_day date{days_part};
  const hh_mm_ss clock{secs - days_part};
  std::array<char, 40> out{};
  std::snprintf(out.data(),
                out.size(),
                "%04d-%02u-%02uT%02d:%02d:%02dZ",
                static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return out.data();
}

Status apply_time_option(std::string_view name,
                         std::string_view value,
                         std::optional<sys_seconds>& slot) {
  if (slot) return Error{std::string(name) + " given twice", ""};
  slot = parse_time(unquote(value));
  if (!slot) {
    return Error{"bad " + std::string(name) + " time \"" + std::string(unquote(value)) + "\"",
                 "write YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, optionally with Z (UTC)"};
  }
  return ok_status();
}

Status apply_option(std::string_view option, AllowedSigner& signer) {
  const auto eq = option.find('=');
  const auto name = option.substr(0, eq);
  const auto value = eq == std::string_view::npos ? std::string_view{} : option.substr(eq + 1);
  if (name == "cert-authority") {
    return Error{"cert-authority is not supported",
                 "list each signer's own public key instead of a certificate authority"};
  }
  if (name == "namespaces") {
    if (!signer.namespaces.empty()) return Error{"namespaces given twice", ""};
    auto patterns = parse_patterns(value, "namespaces");
    if (!patterns) return patterns.error();
    signer.namespaces = std::move(*patterns);
    return ok_status();
  }
  if (name == "valid-after") return apply_time_option(name, value, signer.valid_after);
  if (name == "valid-before") return apply_time_option(name, value, signer.valid_before);
  return Error{"unknown option \"" + std::string(name) +
                   "\"; supported: namespaces, valid-after, valid-before",
               k_format_hint};
}

Status apply_options(std::string_view options, AllowedSigner& signer) {
  for (const auto option : split_list(options)) {
    if (auto status = apply_option(option, signer); !status) return status;
  }
  if (signer.valid_after && signer.valid_before && *signer.valid_before <= *signer.valid_after) {
    return Error{"valid-before is not after valid-after", "fix the validity window"};
  }
  return ok_status();
}

bool is_key_type(std::string_view token) {
  return std::find(k_key_types.begin(), k_key_types.end(), token) != k_key_types.end();
}

Status apply_key(std::string_view type, std::string_view base64, AllowedSigner& signer) {
  if (!is_key_type(type)) {
    return Error{"unknown key type \"" + std::string(type) +
                     "\"; supported: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa",
                 k_format_hint};
  }
  if (base64.empty()) return Error{"missing the base64 key after " + std::string(type), ""};
  auto blob = decode_base64(base64);
  if (!blob) return blob.error().with_context("bad " + std::string(type) + " key");
  auto blob_type = check_public_key(*blob);
  if (!blob_type) return blob_type.error().with_context("bad " + std::string(type) + " key");
  if (*blob_type != type) {
    return Error{"key type \"" + std::string(type) + "\" does not match the key data (a " +
                     *blob_type + " key)",
                 "copy the line from the signer's .pub file"};
  }
  signer.key_type = std::string(type);
  signer.key_blob = std::move(*blob);
  return ok_status();
}

/// Options come before the key type; a key type never holds '=' or '"'.
bool looks_like_options(std::string_view token, std::string_view next) {
  return token.find_first_of("=\"") != std::string_view::npos ||
         (!is_key_type(token) && is_key_type(next));
}

Status parse_line(std::string_view rest, AllowedSigner& signer) {
  // Tokens are taken one at a time: the comment after the key is free text, quotes and all.
  auto principals_token = next_token(rest);
  if (!principals_token) return principals_token.error();
  auto principals = parse_patterns(*principals_token, "principals");
  if (!principals) return principals.error();
  signer.principals = std::move(*principals);
  auto second = next_token(rest);
  if (!second) return second.error();
  if (second->empty()) return Error{"missing the key after the principals", k_format_hint};
  auto third = next_token(rest);
  if (!third) return third.error();
  if (!looks_like_options(*second, *third)) return apply_key(*second, *third, signer);
  if (auto status = apply_options(*second, signer); !status) return status;
  if (third->empty()) return Error{"missing the key after the options", k_format_hint};
  auto key = next_token(rest);
  if (!key) return key.error();
  return apply_key(*third, *key, signer);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

bool glob_match(std::string_view text, std::string_view pattern) {
  size_t t = 0;
  size_t p = 0;
  size_t star = std::string_view::npos;
  size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

Result<AllowedSigners> parse_allowed_signers(std::string_view text, std::string_view file) {
  AllowedSigners signers{std::string(file), {}};
  int line_number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    auto line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    AllowedSigner signer;
    signer.line = line_number;
    if (auto status = parse_line(line, signer); !status) {
      return status.error().with_context(signers.file + ":" + std::to_string(line_number));
    }
    signers.entries.push_back(std::move(signer));
  }
  return signers;
}

Result<AllowedSigners> load_allowed_signers(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_allowed_signers(*text, path.string());
}

bool matches_pattern_list(std::string_view name, const std::vector<std::string>& patterns) {
  bool matched = false;
  for (const auto& pattern : patterns) {
    if (pattern.starts_with('!')) {
      if (glob_match(name, std::string_view(pattern).substr(1))) return false;
    } else if (glob_match(name, pattern)) {
      matched = true;
    }
  }
  return matched;
}

Status check_signer_for_git(const AllowedSigners& signers,
                            const AllowedSigner& signer,
                            std::chrono::system_clock::time_point at) {
  const auto where = signers.file + ":" + std::to_string(signer.line);
  if (!signer.namespaces.empty() && !matches_pattern_list("git", signer.namespaces)) {
    return Error{where + ": key may not sign git commits: namespaces=\"" + join(signer.namespaces) +
                     "\" does not include \"git\"",
                 "add git to the namespaces of that line if this key signs commits"};
  }
  if (signer.valid_after && at < *signer.valid_after) {
    return Error{where + ": key is not valid before " + format_time(*signer.valid_after) +
                     " (valid-after); signature time is " + format_time(at),
                 "check the signer's clock or the valid-after option"};
  }
  if (signer.valid_before && at > *signer.valid_before) {
    return Error{where + ": key expired at " + format_time(*signer.valid_before) +
                     " (valid-before); signature time is " + format_time(at),
                 "re-sign with a current key or extend valid-before"};
  }
  return ok_status();
}

}  // namespace tether
