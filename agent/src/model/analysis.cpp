#include "model/analysis.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

namespace tether {
namespace {

/// Longest first, so "<=" is not read as "<" followed by "=0.1".
constexpr std::array<std::pair<std::string_view, Comparison>, 6> k_comparisons = {{
    {"<=", Comparison::less_equal},
    {">=", Comparison::greater_equal},
    {"==", Comparison::equal},
    {"!=", Comparison::not_equal},
    {"<", Comparison::less},
    {">", Comparison::greater},
}};

constexpr std::array<std::string_view, 4> k_placeholders = {"host", "service", "version", "commit"};
constexpr std::string_view k_label_prefix = "label.";

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

/// A label name as Prometheus allows it: [a-zA-Z_][a-zA-Z0-9_]*.
bool is_label_name(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (const char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && c != '_') return false;
  }
  return true;
}

bool is_placeholder(std::string_view name) {
  for (const std::string_view known : k_placeholders) {
    if (name == known) return true;
  }
  return name.starts_with(k_label_prefix) && is_label_name(name.substr(k_label_prefix.size()));
}

std::string value_of(std::string_view name, const TemplateValues& values) {
  if (name == "host") return values.host;
  if (name == "service") return values.service;
  if (name == "version") return values.version;
  if (name == "commit") return values.commit;
  const auto it = values.labels.find(std::string(name.substr(k_label_prefix.size())));
  return it == values.labels.end() ? "" : it->second;
}

}  // namespace

std::optional<AnalysisCondition> parse_condition(std::string_view text) {
  text = trim(text);
  for (const auto& [symbol, comparison] : k_comparisons) {
    if (!text.starts_with(symbol)) continue;
    const std::string_view number = trim(text.substr(symbol.size()));
    double threshold = 0;
    const auto [end, error] =
        std::from_chars(number.data(), number.data() + number.size(), threshold);
    if (number.empty() || error != std::errc() || end != number.data() + number.size() ||
        !std::isfinite(threshold)) {
      return std::nullopt;
    }
    return AnalysisCondition{comparison, threshold};
  }
  return std::nullopt;
}

bool condition_holds(const AnalysisCondition& condition, double value) {
  if (std::isnan(value)) return false;
  switch (condition.comparison) {
    case Comparison::less:
      return value < condition.threshold;
    case Comparison::less_equal:
      return value <= condition.threshold;
    case Comparison::greater:
      return value > condition.threshold;
    case Comparison::greater_equal:
      return value >= condition.threshold;
    case Comparison::equal:
      return value == condition.threshold;
    case Comparison::not_equal:
      return value != condition.threshold;
  }
  return false;
}

std::string to_string(const AnalysisCondition& condition) {
  std::string_view symbol = "<";
  for (const auto& [text, comparison] : k_comparisons) {
    if (comparison == condition.comparison) symbol = text;
  }
  char number[32];
  std::snprintf(number, sizeof number, "%g", condition.threshold);
  return std::string(symbol) + " " + number;
}

const char* to_string(NoDataPolicy policy) {
  switch (policy) {
    case NoDataPolicy::pass:
      return "pass";
    case NoDataPolicy::fail:
      return "fail";
    case NoDataPolicy::wait:
      return "wait";
  }
  return "wait";
}

std::string template_problem(std::string_view text) {
  // Placeholders are escaped for a double-quoted PromQL string, so that is the only place one
  // may stand: bare, a value could add operators; in '...' or `...` a quote would end it.
  char quote = 0;
  for (size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (text.substr(at, 2) == "{{") {
      const size_t close = text.find("}}", at + 2);
      if (close == std::string_view::npos) {
        return "\"{{\" at offset " + std::to_string(at) + " is never closed by \"}}\"";
      }
      const std::string_view name = trim(text.substr(at + 2, close - at - 2));
      if (!is_placeholder(name)) {
        return "unknown placeholder {{" + std::string(name) +
               "}} (known: {{host}}, {{service}}, {{version}}, {{commit}}, {{label.NAME}})";
      }
      if (quote != '"') {
        return "placeholder {{" + std::string(name) +
               "}} must stand inside a double-quoted string, as in instance=\"{{" +
               std::string(name) + "}}\"";
      }
      at = close + 1;
    } else if (quote != 0 && quote != '`' && c == '\\') {
      ++at;  // an escaped character inside a string
    } else if (quote == 0 && (c == '"' || c == '\'' || c == '`')) {
      quote = c;
    } else if (c == quote) {
      quote = 0;
    }
  }
  if (quote != 0) return std::string("a string opened with ") + quote + " is never closed";
  return "";
}

std::string expand_template(std::string_view text, const TemplateValues& values) {
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t open = text.find("{{", at);
    const size_t close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out += text.substr(at, open - at);
    out += promql_escape(value_of(trim(text.substr(open + 2, close - open - 2)), values));
    at = close + 2;
  }
  out += text.substr(at);
  return out;
}

std::string promql_escape(std::string_view value) {
  std::string out;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out;
}

std::string short_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

}  // namespace tether
