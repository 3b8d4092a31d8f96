#include "request_metrics.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hello {
namespace {

Outcome<double> parse_rate(const std::string& text, const std::string& source) {
  char* end = nullptr;
  const double rate = std::strtod(text.c_str(), &end);
  while (end != nullptr && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t')) ++end;
  if (text.empty() || end == text.c_str() || *end != '\0' || !(rate >= 0 && rate <= 1)) {
    return Outcome<double>::failure(source + " must be a number from 0 to 1 (0.1: every 10th " +
                                    "request answers 500), not \"" + text + "\"");
  }
  return rate;
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

std::string label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

}  // namespace

Outcome<double> configured_fail_rate() {
  if (const char* env = std::getenv("HELLO_FAIL_RATE"); env != nullptr && *env != '\0') {
    return parse_rate(env, "HELLO_FAIL_RATE");
  }
  std::error_code error;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return 0.0;
  const auto file = exe.parent_path().parent_path() / "FAIL_RATE";
  if (!std::filesystem::exists(file, error)) return 0.0;
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return parse_rate(text.str(), file.string());
}

bool RequestMetrics::next_fails() {
  std::lock_guard lock(m_mutex);
  ++m_requests;
  const auto n = static_cast<double>(m_requests);
  return std::floor(n * m_fail_rate) > std::floor((n - 1) * m_fail_rate);
}

void RequestMetrics::observe(int status, double seconds) {
  std::lock_guard lock(m_mutex);
  ++m_by_code[status];
  for (size_t i = 0; i < k_buckets.size(); ++i) {
    if (seconds <= k_buckets[i]) ++m_bucket_counts[i];
  }
  ++m_count;
  m_sum += seconds;
}

std::string RequestMetrics::render(const std::string& version) const {
  std::lock_guard lock(m_mutex);
  std::string out =
      "# HELP hello_requests_total GET / requests answered, by status code.\n"
      "# TYPE hello_requests_total counter\n";
  // Both codes from the start, so a rate over 5xx is 0 (not absent) while nothing fails.
  std::map<int, std::uint64_t> codes = {{200, 0}, {500, 0}};
  for (const auto& [code, count] : m_by_code) codes[code] = count;
  for (const auto& [code, count] : codes) {
    out += "hello_requests_total{code=\"" + std::to_string(code) + "\"} " + std::to_string(count) +
           "\n";
  }
  out +=
      "# HELP hello_request_duration_seconds How long GET / took to answer.\n"
      "# TYPE hello_request_duration_seconds histogram\n";
  for (size_t i = 0; i < k_buckets.size(); ++i) {
    out += "hello_request_duration_seconds_bucket{le=\"" + number(k_buckets[i]) + "\"} " +
           std::to_string(m_bucket_counts[i]) + "\n";
  }
  out += "hello_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(m_count) + "\n";
  out += "hello_request_duration_seconds_sum " + number(m_sum) + "\n";
  out += "hello_request_duration_seconds_count " + std::to_string(m_count) + "\n";
  out +=
      "# HELP hello_build_info The release this process serves.\n"
      "# TYPE hello_build_info gauge\n"
      "hello_build_info{version=\"" +
      label(version) + "\"} 1\n";
  return out;
}

}  // namespace hello
