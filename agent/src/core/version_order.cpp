#include "core/version_order.hpp"

#include <cctype>
#include <string>

namespace tether {
namespace {

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

std::string_view take_run(std::string_view text, size_t& pos) {
  const size_t start = pos;
  const bool digits = is_digit(text[pos]);
  while (pos < text.size() && is_digit(text[pos]) == digits && text[pos] != '.' &&
         text[pos] != '-' && text[pos] != '+') {
    ++pos;
  }
  return text.substr(start, pos - start);
}

int compare_numeric(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

/// Compares dot/dash separated runs of digits or letters, left to right.
int compare_runs(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == '.' || a[i] == '+' || a[i] == '-') {
      if (a[i] != b[j]) {
        // "1.0-rc1" vs "1.0.1": a separator mismatch; a '-' (pre-release) sorts first.
        if (a[i] == '-') return -1;
        if (b[j] == '-') return 1;
        return a[i] < b[j] ? -1 : 1;
      }
      ++i;
      ++j;
      continue;
    }
    if (b[j] == '.' || b[j] == '+' || b[j] == '-') {
      return b[j] == '-' ? 1 : -1;
    }
    const std::string_view run_a = take_run(a, i);
    const std::string_view run_b = take_run(b, j);
    const bool num_a = is_digit(run_a.front());
    const bool num_b = is_digit(run_b.front());
    int c = 0;
    if (num_a && num_b) {
      c = compare_numeric(run_a, run_b);
    } else if (num_a != num_b) {
      c = num_a ? 1 : -1;
    } else {
      c = run_a.compare(run_b) < 0 ? -1 : (run_a == run_b ? 0 : 1);
    }
    if (c != 0) return c;
  }
  if (i == a.size() && j == b.size()) return 0;
  // One is a prefix of the other: "1.0" < "1.0.1", but "1.0-rc1" < "1.0".
  if (i == a.size()) return b[j] == '-' ? 1 : -1;
  return a[i] == '-' ? -1 : 1;
}

}  // namespace

int compare_versions(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? -1 : 1);
  return compare_runs(a, b);
}

}  // namespace tether
