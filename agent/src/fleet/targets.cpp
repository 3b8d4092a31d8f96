#include "fleet/targets.hpp"

#include <cctype>
#include <map>

namespace tether::fleet {
namespace {

std::string_view trimmed(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

/// The target a line names ("" for none), or what is wrong with it.
Result<std::string> target_of(std::string_view line) {
  line = trimmed(line.substr(0, line.find('#')));
  if (line.empty()) return std::string();
  if (line.find_first_of(" \t") != std::string_view::npos)
    return Error{"expected one URL, got \"" + std::string(line) + "\"", ""};
  std::string url(line);
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    url = "http://" + url;
  } else if (url.compare(0, scheme_end, "http") != 0 && url.compare(0, scheme_end, "https") != 0) {
    return Error{"expected an http:// or https:// URL, got \"" + url + "\"", ""};
  }
  if (authority_of(url).empty()) return Error{"no host in \"" + std::string(line) + "\"", ""};
  while (url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Result<std::vector<std::string>> parse_targets(std::string_view text, std::string_view source) {
  std::vector<std::string> targets;
  std::map<std::string, int> first_line;
  int number = 0;
  for (size_t start = 0; start <= text.size(); ++number) {
    const size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    auto target = target_of(line);
    const std::string where = std::string(source) + ":" + std::to_string(number + 1);
    if (!target)
      return Error{where + ": " + target.error().message,
                   "one agent base URL a line, e.g. http://10.0.0.5:9410 or 10.0.0.5:9410"};
    if (target->empty()) continue;
    if (const auto [it, added] = first_line.emplace(*target, number + 1); !added)
      return Error{where + ": " + *target + " is listed twice (first on line " +
                       std::to_string(it->second) + ")",
                   "list each agent once, or it would be counted twice"};
    targets.push_back(std::move(*target));
  }
  if (targets.empty())
    return Error{std::string(source) + ": no targets",
                 "list one agent base URL a line, e.g. http://10.0.0.5:9410"};
  return targets;
}

std::string authority_of(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) url.remove_prefix(scheme_end + 3);
  return std::string(url.substr(0, url.find('/')));
}

std::string status_url(std::string_view target) { return std::string(target) + "/status"; }

std::string plan_url(std::string_view target, std::string_view ref) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string url = std::string(target) + "/plan?ref=";
  for (const char c : ref) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      url += c;
    } else {  // '+' too: a query decodes it as a space
      url += '%';
      url += k_hex[byte >> 4];
      url += k_hex[byte & 0xF];
    }
  }
  return url;
}

}  // namespace tether::fleet
