#include "analysis/prometheus_client.hpp"

#include "net/http_client.hpp"

#include <cstdio>

namespace tether {
namespace {

/// A sane answer to one instant query is a few hundred bytes; a larger one is refused rather
/// than buffered (a hostile or confused server could send gigabytes).
constexpr std::uint64_t k_max_answer_bytes = 1024 * 1024;

std::string percent_encoded(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
      out += escaped;
    }
  }
  return out;
}

}  // namespace

std::string PrometheusClient::query_url(const std::string& base, const std::string& promql) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/api/v1/query?query=" + percent_encoded(promql);
}

QueryAnswer PrometheusClient::query(const std::string& promql) const {
  net::HttpRequest request;
  request.url = query_url(m_config.url, promql);
  request.headers = {"Accept: application/json"};
  request.user_agent = "tether-analysis";
  request.connect_timeout = m_config.timeout;
  request.deadline = m_config.timeout;
  request.max_body_bytes = k_max_answer_bytes;
  request.use_proxy = false;
  const net::HttpResult result = net::http_perform(request);
  if (const auto* failed = std::get_if<net::HttpError>(&result)) {
    QueryAnswer answer;
    answer.detail = "cannot ask Prometheus at " + m_config.url + ": " + failed->error.describe();
    return answer;
  }
  const auto& response = std::get<net::HttpResponse>(result);
  return parse_query_answer(response.body, response.status);
}

}  // namespace tether
