#include "net/git_url.hpp"

#include <charconv>

namespace tether {
namespace {

int default_port(std::string_view scheme) {
  if (scheme == "ssh" || scheme == "git+ssh" || scheme == "ssh+git") return 22;
  if (scheme == "git") return 9418;
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return 0;
}

/// host, [v6], host:port or [v6]:port into `out`.
void read_host_port(std::string_view authority, GitUrl& out) {
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    out.host =
        std::string(authority.substr(1, close == std::string_view::npos ? close : close - 1));
    if (close != std::string_view::npos && close + 1 < authority.size() &&
        authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else {
    const size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  int number = 0;
  if (!port.empty() &&
      std::from_chars(port.data(), port.data() + port.size(), number).ec == std::errc()) {
    out.port = number;
  }
}

}  // namespace

GitUrl parse_git_url(std::string_view url) {
  GitUrl out;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    // scp-like [user@]host:path (a colon before any slash), as git reads it; else a local path.
    const size_t colon = url.find(':');
    const size_t slash = url.find('/');
    if (colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon)) {
      out.scheme = "file";
      return out;
    }
    std::string_view authority = url.substr(0, colon);
    const size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
      out.user = std::string(authority.substr(0, at));
      authority = authority.substr(at + 1);
    }
    out.scheme = "ssh";
    out.host = std::string(authority);
    out.port = 22;
    return out;
  }
  out.scheme = std::string(url.substr(0, scheme_end));
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view authority = rest.substr(0, rest.find('/'));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    out.user = std::string(userinfo.substr(0, userinfo.find(':')));
    authority = authority.substr(at + 1);
  }
  out.port = default_port(out.scheme);
  read_host_port(authority, out);
  if (out.scheme == "git+ssh" || out.scheme == "ssh+git") out.scheme = "ssh";
  return out;
}

std::string redacted_url(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const size_t start = scheme_end + 3;
  const size_t end = std::min(url.find('/', start), url.size());
  const size_t at = url.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(url);
  const size_t colon = url.substr(0, at).find(':', start);
  if (colon == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

}  // namespace tether
