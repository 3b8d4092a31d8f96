#include "fleet/status_source.hpp"
#include "fleet/targets.hpp"
#include "net/curl_transfer.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

namespace tether::fleet {
namespace {

constexpr size_t k_max_body = 8 * 1024 * 1024;

/// One request: its easy handle (removed from the multi handle when done with), and the state
/// the client's rules (net/curl_transfer.hpp) keep while it runs: body, cap, error text.
struct Transfer {
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  size_t index = 0;
  std::unique_ptr<net::CurlTransfer> state;

  Transfer() = default;
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  ~Transfer() {
    if (easy == nullptr) return;
    curl_multi_remove_handle(multi, easy);
    curl_easy_cleanup(easy);
  }
};

/// The transfer's easy handle, set up by the one HTTP client setup and added to `multi`;
/// nullptr when libcurl refuses.
std::unique_ptr<Transfer> start(CURLM* multi,
                                const std::string& url,
                                size_t index,
                                Millis timeout) {
  auto transfer = std::make_unique<Transfer>();
  transfer->index = index;
  transfer->easy = curl_easy_init();
  if (transfer->easy == nullptr) return nullptr;
  net::HttpRequest request;
  request.url = url;
  request.connect_timeout = timeout;
  request.deadline = timeout;
  // Agents are asked directly: an http_proxy meant for downloads must not sit in between.
  request.use_proxy = false;
  request.user_agent = "tether-fleet/" TETHER_VERSION;
  request.max_body_bytes = k_max_body;
  transfer->state = std::make_unique<net::CurlTransfer>(std::move(request));
  net::setup_easy(transfer->easy, *transfer->state);
  curl_easy_setopt(transfer->easy, CURLOPT_PRIVATE, transfer.get());
  if (curl_multi_add_handle(multi, transfer->easy) != CURLM_OK) return nullptr;
  transfer->multi = multi;
  return transfer;
}

/// Why a transfer that ended with `rc` brought no HTTP answer, in an operator's words.
std::string transport_error(const Transfer& transfer, CURLcode rc, Millis timeout) {
  const char* error = transfer.state->error;
  const std::string detail = error[0] != '\0' ? error : curl_easy_strerror(rc);
  switch (rc) {
    case CURLE_COULDNT_CONNECT: {
      long os_errno = 0;
      curl_easy_getinfo(transfer.easy, CURLINFO_OS_ERRNO, &os_errno);
      if (os_errno == ECONNREFUSED) return "connection refused";
      return "cannot connect: " +
             (os_errno != 0 ? std::string(std::strerror(static_cast<int>(os_errno))) : detail);
    }
    case CURLE_OPERATION_TIMEDOUT:
      return "timeout after " + format_duration(timeout) +
             (detail.find("Connection timed out") != std::string::npos ? " (connecting)" : "");
    case CURLE_COULDNT_RESOLVE_HOST:
      return "cannot resolve host: " + detail;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
      if (transfer.state->too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return "response larger than 8 MiB";
      break;
    default:
      break;
  }
  return detail;
}

void finish(Transfer& transfer, CURLcode rc, Millis timeout, Reply& reply) {
  if (rc != CURLE_OK) {
    reply.transport_error = transport_error(transfer, rc, timeout);
    return;
  }
  curl_easy_getinfo(transfer.easy, CURLINFO_RESPONSE_CODE, &reply.http_status);
  reply.body = std::move(transfer.state->body);
}

/// Collects the transfers that ended; returns how many.
int collect_done(CURLM* multi,
                 std::vector<std::unique_ptr<Transfer>>& transfers,
                 Millis timeout,
                 std::vector<Reply>& replies) {
  int done = 0;
  int queued = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
    if (message->msg != CURLMSG_DONE) continue;
    Transfer* transfer = nullptr;
    curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
    const CURLcode rc = message->data.result;  // read before the handle goes
    finish(*transfer, rc, timeout, replies[transfer->index]);
    transfers[transfer->index].reset();
    ++done;
  }
  return done;
}

}  // namespace

std::vector<Reply> curl_get_all(const std::vector<std::string>& targets,
                                const std::vector<std::string>& urls,
                                int concurrency,
                                Millis timeout) {
  std::vector<Reply> replies(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) replies[i].target = targets[i];
  // curl_easy_init() runs libcurl's global init the first time; the multi handle needs it done.
  curl_easy_cleanup(curl_easy_init());
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi(curl_multi_init(),
                                                              &curl_multi_cleanup);
  std::vector<std::unique_ptr<Transfer>> transfers(targets.size());
  size_t next = 0;
  int active = 0;
  for (;;) {
    for (; next < targets.size() && active < concurrency; ++next) {
      if (multi) transfers[next] = start(multi.get(), urls[next], next, timeout);
      if (transfers[next]) {
        ++active;
      } else {
        replies[next].transport_error = "cannot set up a libcurl request";
      }
    }
    if (active == 0) break;
    int running = 0;
    curl_multi_perform(multi.get(), &running);
    active -= collect_done(multi.get(), transfers, timeout, replies);
    if (active > 0) curl_multi_poll(multi.get(), nullptr, 0, 100, nullptr);
  }
  return replies;
}

std::vector<Reply> CurlStatusSource::fetch(const std::vector<std::string>& targets,
                                           Millis timeout) {
  std::vector<std::string> urls;
  for (const std::string& target : targets) urls.push_back(status_url(target));
  return curl_get_all(targets, urls, m_concurrency, timeout);
}

}  // namespace tether::fleet
