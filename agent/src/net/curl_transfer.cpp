#include "net/curl_transfer.hpp"

#include "core/termination.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tether::net {
namespace {

long millis(Millis duration) {
  return static_cast<long>(std::max<Millis::rep>(duration.count(), 1));
}

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<CurlTransfer*>(user);
  const HttpRequest& request = transfer->request;
  size_t bytes = size * count;
  if (transfer->received + bytes > request.max_body_bytes) {
    if (!request.truncate_body) {
      transfer->too_large = true;
      return 0;  // makes curl abort with CURLE_WRITE_ERROR
    }
    const std::uint64_t room =
        request.max_body_bytes - std::min(transfer->received, request.max_body_bytes);
    transfer->body.append(data, std::min<std::uint64_t>(bytes, room));
    transfer->received += bytes;
    return size * count;
  }
  transfer->received += bytes;
  if (request.on_body) {
    if (!request.on_body(std::string_view(data, bytes))) {
      transfer->sink_failed = true;
      return 0;
    }
  } else {
    transfer->body.append(data, bytes);
  }
  return bytes;
}

/// libcurl calls this about once a second even when no byte moves: the place to notice
/// SIGTERM and a deadline that depends on the announced size.
int on_progress(void* user, curl_off_t total, curl_off_t done, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<CurlTransfer*>(user);
  const HttpRequest& request = transfer->request;
  if (total > 0) transfer->announced = static_cast<std::uint64_t>(total);
  if (request.on_progress)
    request.on_progress(static_cast<std::uint64_t>(done), static_cast<std::uint64_t>(total));
  if (termination_requested()) {
    transfer->cancelled = true;
    return 1;
  }
  if (request.deadline_per_mib.count() == 0) return 0;  // libcurl holds a fixed deadline
  const Millis allowed =
      scaled_deadline(request.deadline, request.deadline_per_mib, transfer->announced);
  if (std::chrono::steady_clock::now() - transfer->started > allowed) {
    transfer->deadline_passed = true;
    return 1;
  }
  return 0;
}

std::string detail_of(const CurlTransfer& transfer, CURLcode rc) {
  return transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(rc);
}

HttpError fail(HttpFailure failure, std::string message, std::string hint) {
  return HttpError{failure, Error{std::move(message), std::move(hint)}};
}

HttpError transport_error(CURL* easy, CURLcode rc, const CurlTransfer& transfer) {
  const HttpRequest& request = transfer.request;
  const std::string& url = request.url;
  const std::string detail = detail_of(transfer, rc);
  if (transfer.cancelled) {
    HttpError error{HttpFailure::cancelled, stop_requested_error("request to " + url)};
    return error;
  }
  if (transfer.deadline_passed) {
    const Millis allowed =
        scaled_deadline(request.deadline, request.deadline_per_mib, transfer.announced);
    return fail(HttpFailure::deadline,
                url + ": did not finish within its deadline of " + format_duration(allowed) + " (" +
                    std::to_string(transfer.received) + " of " +
                    (transfer.announced > 0 ? std::to_string(transfer.announced) : "?") +
                    " bytes arrived)",
                "check the server; network.downloadDeadline in agent.yaml sets the deadline");
  }
  if (transfer.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return fail(HttpFailure::too_large,
                url + ": the answer is larger than the " + std::to_string(request.max_body_bytes) +
                    "-byte cap",
                "check the URL; nothing past the cap is accepted");
  }
  if (transfer.sink_failed) return fail(HttpFailure::sink_failed, url + ": " + detail, "");
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
      return fail(HttpFailure::protocol_refused,
                  url + ": " + detail + " (only http and https are followed, also in redirects)",
                  "serve it over http(s); a redirect to file:// or another scheme is refused");
    case CURLE_OPERATION_TIMEDOUT: {
      if (detail.find("too slow") != std::string::npos) {
        return fail(HttpFailure::too_slow,
                    url + ": too slow: less than " +
                        std::to_string(request.low_speed_bytes_per_second) + " bytes/s for " +
                        format_duration(request.low_speed_time) + " (" +
                        std::to_string(transfer.received) + " bytes arrived)",
                    "check the server; network.lowSpeedBytesPerSecond and network.lowSpeedTime "
                    "in agent.yaml set this limit");
      }
      long connect_us = 0;
      curl_easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_us);
      if (connect_us == 0) {
        return fail(HttpFailure::connect_timeout,
                    url + ": no connection within " + format_duration(request.connect_timeout),
                    "check that the server is up and reachable from this host");
      }
      return fail(
          HttpFailure::deadline,
          url + ": did not finish within its deadline of " + format_duration(request.deadline),
          "check the server");
    }
    case CURLE_COULDNT_CONNECT: {
      long os_errno = 0;
      curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
      if (os_errno == ECONNREFUSED)
        return fail(HttpFailure::transport,
                    url + ": connection refused",
                    "check that the server is up and listening");
      break;
    }
    default:
      break;
  }
  return fail(HttpFailure::transport,
              url + ": " + detail,
              "check the URL and that the server is reachable from this host");
}

}  // namespace

void setup_easy(CURL* easy, CurlTransfer& transfer) {
  const HttpRequest& request = transfer.request;
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  // Never file://, ftp://, gopher:// ..., neither asked for nor reached by a redirect.
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, request.max_redirects > 0 ? 1L : 0L);
  curl_easy_setopt(easy, CURLOPT_MAXREDIRS, static_cast<long>(request.max_redirects));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, millis(request.connect_timeout));
  // A deadline scaled by the announced size is checked in on_progress; without one libcurl
  // holds the deadline itself, to the millisecond.
  if (request.deadline_per_mib.count() == 0)
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, millis(request.deadline));
  if (request.low_speed_bytes_per_second > 0) {
    curl_easy_setopt(
        easy, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(request.low_speed_bytes_per_second));
    curl_easy_setopt(easy,
                     CURLOPT_LOW_SPEED_TIME,
                     std::max(1L, static_cast<long>(request.low_speed_time.count() / 1000)));
  }
  if (!request.truncate_body)
    curl_easy_setopt(
        easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_body_bytes));
  if (!request.use_proxy) curl_easy_setopt(easy, CURLOPT_PROXY, "");
  if (!request.user_agent.empty())
    curl_easy_setopt(easy, CURLOPT_USERAGENT, request.user_agent.c_str());
  if (request.fail_on_http_error) curl_easy_setopt(easy, CURLOPT_FAILONERROR, 1L);
  for (const std::string& header : request.headers) {
    curl_slist* list = curl_slist_append(transfer.headers.get(), header.c_str());
    if (list != nullptr) {
      (void)transfer.headers.release();
      transfer.headers.reset(list);
    }
  }
  if (transfer.headers) curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer.headers.get());
  if (!request.post_body.empty()) {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.post_body.c_str());
    curl_easy_setopt(
        easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.post_body.size()));
  }
  // Signals are the agent's (blocked and taken synchronously); libcurl must not use them.
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error);
  transfer.started = std::chrono::steady_clock::now();
}

HttpResult finish_transfer(CURL* easy, CURLcode rc, CurlTransfer& transfer) {
  if (rc == CURLE_HTTP_RETURNED_ERROR) {
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    return fail(HttpFailure::http_status,
                transfer.request.url + ": HTTP " + std::to_string(status),
                "check the URL and the server");
  }
  if (rc != CURLE_OK) return transport_error(easy, rc, transfer);
  HttpResponse response;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(transfer.body);
  response.received = transfer.received;
  return response;
}

}  // namespace tether::net
