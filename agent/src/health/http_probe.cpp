#include "health/probe.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace tether {
namespace {

constexpr size_t k_max_body = 64 * 1024;

size_t keep_body(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (body->size() < k_max_body) body->append(data, std::min(bytes, k_max_body - body->size()));
  return bytes;
}

}  // namespace

ProbeResult probe_http(const HttpProbe& probe, Millis timeout) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return {false, "cannot initialise libcurl"};
  std::string body;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, probe.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  // libcurl reads 0 as "no timeout": never hand it one, a silent server would hang the gate.
  curl_easy_setopt(
      c, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<Millis::rep>(timeout.count(), 1)));
  // Health checks talk to the service on this host; an http_proxy meant for downloads must
  // not sit in between.
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    return {false,
            probe.url + ": " + (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc))};
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
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
