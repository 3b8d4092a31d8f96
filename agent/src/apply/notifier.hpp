#pragma once

#include "apply/journal.hpp"
#include "core/duration.hpp"
#include "model/network_limits.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace tether {

/// Something an operator may want pushed to a chat or pager: "applied", "rolled-back",
/// "quarantined" or "error", with the journal entry it is about.
struct NotifyEvent {
  std::string kind;
  JournalEntry entry;
};

/// Sends events somewhere. Never blocks the reconcile loop.
class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void notify(NotifyEvent event) = 0;
};

/// When no `notify.url` is configured.
class NullNotifier final : public Notifier {
 public:
  void notify(NotifyEvent) override {}
};

struct HttpNotifierOptions {
  std::string url;
  std::string host_id;
  int attempts = 5;          ///< per event, then it is dropped (and logged)
  Millis first_retry{1000};  ///< doubles on each retry
  Millis request_timeout{5000};
  size_t max_queue = 1000;     ///< beyond it the oldest event is dropped
  Millis drain_on_exit{2000};  ///< how long the destructor lets the queue drain
  NetworkLimits network;       ///< agent.yaml network: (connect timeout, low-speed limit)
};

/// POSTs each event as JSON to `notify.url` from a background thread, retrying with backoff.
/// notify() only enqueues: a slow or dead endpoint costs the agent nothing but memory, which
/// the queue bound caps.
class HttpNotifier final : public Notifier {
 public:
  explicit HttpNotifier(HttpNotifierOptions options);
  ~HttpNotifier() override;
  HttpNotifier(const HttpNotifier&) = delete;
  HttpNotifier& operator=(const HttpNotifier&) = delete;

  void notify(NotifyEvent event) override;

  /// The JSON body sent for `event` (exposed for tests).
  [[nodiscard]] std::string body_of(const NotifyEvent& event) const;

 private:
  void run();
  [[nodiscard]] bool post(const std::string& body) const;
  /// Sleeps up to `duration`; false when stopping.
  bool wait(Millis duration);

  HttpNotifierOptions m_options;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<NotifyEvent> m_queue;
  bool m_stopping = false;
  bool m_in_flight = false;  ///< an event taken off the queue is being sent
  std::thread m_worker;
};

}  // namespace tether
