#include "health/probe.hpp"
#include "net/http_client.hpp"

namespace tether {
namespace {

constexpr size_t k_max_body = 64 * 1024;

}  // namespace

ProbeResult probe_http(const HttpProbe& probe, Millis timeout) {
  net::HttpRequest request;
  request.url = probe.url;
  request.connect_timeout = timeout;
  request.deadline = timeout;
  // Health checks talk to the service on this host; an http_proxy meant for downloads must
  // not sit in between.
  request.use_proxy = false;
  request.max_body_bytes = k_max_body;
  request.truncate_body = true;  // the expected substring is looked for in the first 64 KiB
  net::HttpResult result = net::http_perform(request);
  if (auto* failed = std::get_if<net::HttpError>(&result)) return {false, failed->error.message};
  const net::HttpResponse& response = std::get<net::HttpResponse>(result);
  const long status = response.status;
  const std::string& body = response.body;
  if (status != probe.status) {
    return {false,
            "HTTP " + std::to_string(status) + " from " + probe.url + ", expected " +
                std::to_string(probe.status)};
  }
  if (!probe.body.empty() && body.find(probe.body) == std::string::npos) {
    return {false,
            probe.url + " answered " + std::to_string(status) + " without \"" + probe.body +
                "\" in the body"};
  }
  return {true, "HTTP " + std::to_string(status) + " from " + probe.url};
}

}  // namespace tether
