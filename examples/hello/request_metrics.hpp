#pragma once

#include "outcome.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace hello {

/// The share of `GET /` requests that answer 500 on purpose (a bad build for tests and demos,
/// while /healthz stays green): HELLO_FAIL_RATE=0.1, or a FAIL_RATE file beside VERSION holding
/// "0.1". 0 when neither is set; an error naming the source when a value is not in [0, 1].
[[nodiscard]] Outcome<double> configured_fail_rate();

/// Counts `GET /` requests by status code and their latency, and decides which ones fail:
/// deterministically, request n fails when floor(n * rate) moves (rate 0.1: every 10th), so a
/// test sees the same share every time. Thread-safe.
class RequestMetrics {
 public:
  explicit RequestMetrics(double fail_rate) : m_fail_rate(fail_rate) {}

  /// Whether the next request is one that fails on purpose.
  [[nodiscard]] bool next_fails();
  void observe(int status, double seconds);
  /// Prometheus text format: hello_requests_total{code}, hello_request_duration_seconds
  /// (histogram), hello_build_info{version}.
  [[nodiscard]] std::string render(const std::string& version) const;

 private:
  static constexpr std::array<double, 8> k_buckets = {
      0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};

  double m_fail_rate;
  mutable std::mutex m_mutex;
  std::uint64_t m_requests = 0;
  std::map<int, std::uint64_t> m_by_code;
  std::array<std::uint64_t, k_buckets.size()> m_bucket_counts{};
  std::uint64_t m_count = 0;
  double m_sum = 0;
};

}  // namespace hello
