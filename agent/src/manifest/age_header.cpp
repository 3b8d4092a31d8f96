#include "manifest/age_header.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace tether {
namespace {

// A header larger than this is not one age wrote: no reader needs to scan further.
constexpr size_t k_max_header_bytes = 64 * 1024;
// age wraps stanza bodies at 64 columns; a shorter line ends the body.
constexpr size_t k_stanza_columns = 64;

/// Standard base64 with or without padding; nullopt on any other character.
std::optional<std::string> decode_base64(std::string_view text) {
  std::array<int, 256> value{};
  value.fill(-1);
  const std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < alphabet.size(); ++i) value[static_cast<unsigned char>(alphabet[i])] = i;
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : text) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    const int v = value[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

/// The binary form inside an armored file (only as much as the header needs).
Result<std::string> unarmor(std::string_view content) {
  const size_t end = content.find("-----END AGE ENCRYPTED FILE-----");
  if (end == std::string_view::npos) {
    return Error{"it begins like an armored age file but has no END line", ""};
  }
  std::string_view body = content.substr(k_age_armor_begin.size(), end - k_age_armor_begin.size());
  auto binary = decode_base64(body.substr(0, std::min(body.size(), k_max_header_bytes * 2)));
  if (!binary) return Error{"its armored body is not base64", ""};
  return *binary;
}

Result<std::vector<std::string>> read_stanzas(std::string_view text) {
  std::vector<std::string> types;
  size_t pos = text.find('\n');
  if (pos == std::string_view::npos) return Error{"its header has no end", ""};
  ++pos;
  bool in_body = false;
  while (pos < text.size() && pos < k_max_header_bytes) {
    const size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) break;
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (in_body) {
      in_body = line.size() == k_stanza_columns;
      continue;
    }
    if (line.starts_with("--- ")) return types;
    if (!line.starts_with("-> ") || line.size() <= 3) {
      return Error{"its header has a line that is neither a stanza nor its end", ""};
    }
    const std::string_view args = line.substr(3);
    types.emplace_back(args.substr(0, args.find(' ')));
    in_body = true;
  }
  return Error{
      "its header has no end (---) within " + std::to_string(k_max_header_bytes / 1024) + " KiB",
      ""};
}

}  // namespace

size_t AgeHeader::key_stanzas() const {
  return static_cast<size_t>(std::count_if(stanza_types.begin(),
                                           stanza_types.end(),
                                           [](const std::string& t) { return t != "scrypt"; }));
}

bool AgeHeader::has_passphrase() const {
  return std::find(stanza_types.begin(), stanza_types.end(), "scrypt") != stanza_types.end();
}

Result<AgeHeader> read_age_header(std::string_view content) {
  AgeHeader header;
  std::string unarmored;
  if (content.starts_with(k_age_armor_begin)) {
    auto binary = unarmor(content);
    if (!binary) return binary.error();
    unarmored = std::move(*binary);
    content = unarmored;
    header.armor = AgeArmor::armored;
  }
  if (!content.starts_with(std::string(k_age_magic) + "\n")) {
    return Error{"it does not begin with " + std::string(k_age_magic) + " (nor " +
                     std::string(k_age_armor_begin) + ")",
                 ""};
  }
  auto stanzas = read_stanzas(content);
  if (!stanzas) return stanzas.error();
  if (stanzas->empty()) return Error{"its header names no recipient", ""};
  header.stanza_types = std::move(*stanzas);
  return header;
}

}  // namespace tether
