#include "analysis/prometheus_client.hpp"

#include "net/http_client.hpp"

#include <cstdio>

namespace tether {
namespace {

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

Result<std::pair<long, std::string>> PrometheusClient::exchange(const std::string& promql) const {
  net::HttpRequest request;
  request.url = query_url(m_config.url, promql);
  request.headers = {"Accept: application/json"};
  request.user_agent = "tether-analysis";
  request.connect_timeout = m_config.timeout;
  request.deadline = m_config.timeout;
  // A larger answer is refused rather than buffered: a hostile or confused server could send
  // gigabytes.
  request.max_body_bytes = m_max_answer_bytes;
  request.use_proxy = false;
  net::HttpResult result = net::http_perform(request);
  if (const auto* failed = std::get_if<net::HttpError>(&result)) {
    Error error{"cannot ask Prometheus at " + m_config.url + ": " + failed->error.describe(), ""};
    error.stopping = failed->error.stopping;
    return error;
  }
  auto& response = std::get<net::HttpResponse>(result);
  return std::pair<long, std::string>{response.status, std::move(response.body)};
}

QueryAnswer PrometheusClient::query(const std::string& promql) const {
  const auto response = exchange(promql);
  if (!response) return QueryAnswer{QueryAnswer::Kind::error, 0, response.error().message};
  return parse_query_answer(response->second, response->first);
}

Result<std::vector<VectorSample>> PrometheusClient::query_vector(const std::string& promql) const {
  const auto response = exchange(promql);
  if (!response) return response.error();
  auto samples = parse_vector_answer(response->second, response->first);
  if (!samples) return samples.error().with_context("Prometheus at " + m_config.url);
  return samples;
}

}  // namespace tether
