#include "manifest/yaml_guard.hpp"

#include <algorithm>

namespace tether {
namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool at_line_start(std::string_view t, size_t i) { return i == 0 || t[i - 1] == '\n'; }

size_t skip_line(std::string_view t, size_t i) {
  const size_t end = t.find('\n', i);
  return end == std::string_view::npos ? t.size() : end + 1;
}

bool document_marker(std::string_view t, size_t i) {
  return at_line_start(t, i) && t.substr(i, 3) == "---" && (i + 3 == t.size() || blank(t[i + 3]));
}

/// Skips what may stand before a document's root node: blanks, comments, directives, the
/// `---` marker, anchors and tags.
size_t skip_prefix(std::string_view t, size_t i) {
  while (i < t.size()) {
    if (blank(t[i])) {
      ++i;
    } else if (t[i] == '#' || (t[i] == '%' && at_line_start(t, i))) {
      i = skip_line(t, i);
    } else if (document_marker(t, i)) {
      i += 3;
    } else if (t[i] == '&' || t[i] == '!') {
      while (i < t.size() && !blank(t[i])) ++i;
    } else {
      break;
    }
  }
  return i;
}

/// The position after the quoted scalar starting at `i`, or npos when it does not end.
size_t skip_quoted(std::string_view t, size_t i) {
  const char quote = t[i];
  for (++i; i < t.size(); ++i) {
    if (quote == '"' && t[i] == '\\') {
      ++i;
    } else if (t[i] == quote) {
      if (quote == '\'' && i + 1 < t.size() && t[i + 1] == '\'') {
        ++i;  // '' is an escaped quote
      } else {
        return i + 1;
      }
    }
  }
  return std::string_view::npos;
}

/// The position after the flow collection starting at `i`, or npos when it does not end.
size_t skip_flow(std::string_view t, size_t i) {
  int depth = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '"' || c == '\'') {
      i = skip_quoted(t, i);
      if (i == std::string_view::npos) return i;
      continue;
    }
    if (c == '#' && i > 0 && blank(t[i - 1])) {
      i = skip_line(t, i);
      continue;
    }
    if (c == '[' || c == '{') ++depth;
    if ((c == ']' || c == '}') && --depth == 0) return i + 1;
    ++i;
  }
  return std::string_view::npos;
}

/// The comma's line when the document starting at `start` has the hazard, else 0.
size_t check_document(std::string_view t, size_t start) {
  size_t i = skip_prefix(t, start);
  if (i >= t.size()) return 0;
  if (t[i] == '[' || t[i] == '{') {
    i = skip_flow(t, i);
  } else if (t[i] == '"' || t[i] == '\'') {
    i = skip_quoted(t, i);
  } else {
    return 0;
  }
  if (i == std::string_view::npos) return 0;
  while (i < t.size() && (blank(t[i]) || t[i] == '#')) i = t[i] == '#' ? skip_line(t, i) : i + 1;
  if (i >= t.size() || t[i] != ',') return 0;
  return static_cast<size_t>(std::count(t.begin(), t.begin() + static_cast<long>(i), '\n')) + 1;
}

}  // namespace

size_t flow_root_comma_line(std::string_view text) {
  for (size_t i = 0; i < text.size(); i = skip_line(text, i)) {
    if (i != 0 && !document_marker(text, i)) continue;
    if (const size_t line = check_document(text, i)) return line;
  }
  return 0;
}

}  // namespace tether
