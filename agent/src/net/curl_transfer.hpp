#pragma once

#include "net/http_client.hpp"

#include <curl/curl.h>

#include <chrono>
#include <memory>

namespace tether::net {

/// One transfer's state while libcurl drives it, owned by whoever drives the easy handle:
/// http_perform() or a curl multi loop (fleet/curl_status_source.cpp). It must outlive the
/// transfer and stay at one address (the easy handle points at it).
struct CurlTransfer {
  explicit CurlTransfer(HttpRequest request_in) : request(std::move(request_in)) {}
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  HttpRequest request;
  std::string body;
  std::uint64_t received = 0;
  std::uint64_t announced = 0;
  bool too_large = false;
  bool sink_failed = false;
  bool deadline_passed = false;
  bool cancelled = false;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  char error[CURL_ERROR_SIZE] = {};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers{nullptr,
                                                                      &curl_slist_free_all};
};

/// Sets every option of `easy` from `transfer.request`: the one place where tether's HTTP
/// rules are written down. `easy` is fresh; CURLOPT_PRIVATE is left to the caller.
void setup_easy(CURL* easy, CurlTransfer& transfer);

/// What the transfer that ended with `rc` came to, with an operator's error message.
[[nodiscard]] HttpResult finish_transfer(CURL* easy, CURLcode rc, CurlTransfer& transfer);

}  // namespace tether::net
