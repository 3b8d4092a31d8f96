#include "apply/notifier.hpp"

#include "core/json_text.hpp"
#include "core/log.hpp"
#include "net/http_client.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tether {
namespace {

// The release as a webhook receiver sees it: no local paths.
nlohmann::json release_notice_json(const std::optional<JournalRelease>& release) {
  if (!release) return nullptr;
  return {{"version", release->version}, {"commit", release->commit}};
}

}  // namespace

HttpNotifier::HttpNotifier(HttpNotifierOptions options)
    : m_options(std::move(options)), m_worker([this] { run(); }) {}

HttpNotifier::~HttpNotifier() {
  {
    std::unique_lock lock(m_mutex);
    // Give queued events a moment to go out, then stop whatever is left.
    m_wake.wait_for(
        lock, m_options.drain_on_exit, [this] { return m_queue.empty() && !m_in_flight; });
    m_stopping = true;
  }
  m_wake.notify_all();
  m_worker.join();
}

void HttpNotifier::notify(NotifyEvent event) {
  {
    std::lock_guard lock(m_mutex);
    if (m_queue.size() >= m_options.max_queue) {
      m_queue.pop_front();
      log_warn("notification queue full; dropped the oldest event", {{"url", m_options.url}});
    }
    m_queue.push_back(std::move(event));
  }
  m_wake.notify_all();
}

std::string HttpNotifier::body_of(const NotifyEvent& event) const {
  const JournalEntry& e = event.entry;
  nlohmann::json json = {{"event", event.kind},
                         {"host", m_options.host_id},
                         {"service", e.service},
                         {"action", e.action},
                         {"result", e.result},
                         {"from", release_notice_json(e.from)},
                         {"to", release_notice_json(e.to)},
                         {"stateCommit", e.state_commit},
                         {"time", e.time}};
  if (!e.error.empty()) json["error"] = e.error;
  if (!e.reason.empty()) json["reason"] = e.reason;
  return json_text(json);
}

bool HttpNotifier::post(const std::string& body) const {
  net::HttpRequest request;
  request.url = m_options.url;
  request.post_body = body;
  request.headers = {"Content-Type: application/json"};
  request.connect_timeout = std::min(m_options.network.connect_timeout, m_options.request_timeout);
  request.deadline = m_options.request_timeout;
  request.low_speed_bytes_per_second = m_options.network.low_speed_bytes_per_second;
  request.low_speed_time = m_options.network.low_speed_time;
  request.fail_on_http_error = true;
  request.truncate_body = true;  // the answer is not read
  return std::holds_alternative<net::HttpResponse>(net::http_perform(request));
}

bool HttpNotifier::wait(Millis duration) {
  std::unique_lock lock(m_mutex);
  return !m_wake.wait_for(lock, duration, [this] { return m_stopping; });
}

void HttpNotifier::run() {
  for (;;) {
    NotifyEvent event;
    {
      std::unique_lock lock(m_mutex);
      m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_stopping) return;
      event = std::move(m_queue.front());
      m_queue.pop_front();
      m_in_flight = true;
    }
    const std::string body = body_of(event);
    Millis retry = m_options.first_retry;
    bool sent = false;
    for (int attempt = 1; attempt <= m_options.attempts && !sent; ++attempt) {
      sent = post(body);
      if (!sent && attempt < m_options.attempts && !wait(retry)) return;
      retry *= 2;
    }
    if (!sent) {
      log_error("notification dropped after retries",
                {{"url", m_options.url}, {"event", event.kind}, {"service", event.entry.service}});
    }
    {
      std::lock_guard lock(m_mutex);
      m_in_flight = false;
    }
    m_wake.notify_all();  // the destructor may be waiting for the queue to drain
  }
}

}  // namespace tether
