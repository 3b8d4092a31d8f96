// HttpNotifier against a real HTTP endpoint on loopback: delivery, retries, and never blocking
// the caller.
#include "apply/notifier.hpp"

#include "command.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <thread>

namespace tether::notifier_test {
namespace {

/// Receives POSTs on /hook; the first `failures` answer 500, and every request can be slowed.
class HookEndpoint {
 public:
  explicit HookEndpoint(int failures, Millis delay = Millis(0)) : m_failures(failures) {
    m_server.Post("/hook",
                  [this, delay](const httplib::Request& request, httplib::Response& response) {
                    std::this_thread::sleep_for(delay);  // a slow endpoint, for the timeouts
                    if (m_failures-- > 0) {
                      response.status = 500;
                      return;
                    }
                    std::lock_guard lock(m_mutex);
                    m_bodies.push_back(request.body);
                  });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    // stop() is a no-op until listening has begun: wait, or the destructor could hang.
    while (!m_server.is_running()) std::this_thread::sleep_for(Millis(1));
  }
  ~HookEndpoint() {
    m_server.stop();
    m_thread.join();
  }
  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/hook";
  }
  [[nodiscard]] std::vector<std::string> bodies() {
    std::lock_guard lock(m_mutex);
    return m_bodies;
  }

 private:
  httplib::Server m_server;
  std::atomic<int> m_failures;
  int m_port = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  std::vector<std::string> m_bodies;
};

NotifyEvent event(const std::string& kind, const std::string& version) {
  JournalEntry entry{"2026-11-23T08:00:00.000Z",
                     std::string(40, 'c'),
                     "web",
                     "upgrade",
                     std::nullopt,
                     JournalRelease{version, std::string(40, 'a'), "dir"},
                     "ok",
                     "",
                     ""};
  return NotifyEvent{kind, entry};
}

HttpNotifierOptions options_for(const std::string& url) {
  HttpNotifierOptions options;
  options.url = url;
  options.host_id = "web-01";
  options.first_retry = Millis(20);
  options.request_timeout = Millis(2000);
  return options;
}

TEST(HttpNotifier, PostsEachEventAsJsonInOrder) {
  HookEndpoint endpoint(0);
  {
    HttpNotifier notifier(options_for(endpoint.url()));
    notifier.notify(event("applied", "1.0.0"));
    notifier.notify(event("rolled-back", "2.0.0"));
    ASSERT_TRUE(
        test::eventually([&] { return endpoint.bodies().size() == 2; }, std::chrono::seconds(5)));
  }
  const auto first = nlohmann::json::parse(endpoint.bodies()[0]);
  EXPECT_EQ(first["event"], "applied");
  EXPECT_EQ(first["host"], "web-01");
  EXPECT_EQ(first["service"], "web");
  EXPECT_EQ(first["to"]["version"], "1.0.0");
  EXPECT_EQ(nlohmann::json::parse(endpoint.bodies()[1])["event"], "rolled-back");
}

TEST(HttpNotifier, RetriesUntilTheEndpointAccepts) {
  HookEndpoint endpoint(2);
  HttpNotifier notifier(options_for(endpoint.url()));
  notifier.notify(event("error", "1.0.0"));
  EXPECT_TRUE(
      test::eventually([&] { return endpoint.bodies().size() == 1; }, std::chrono::seconds(5)));
}

TEST(HttpNotifier, NotifyNeverWaitsForASlowEndpoint) {
  HookEndpoint endpoint(0, Millis(1500));
  HttpNotifierOptions options = options_for(endpoint.url());
  options.drain_on_exit = Millis(0);
  HttpNotifier notifier(options);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) notifier.notify(event("applied", "1.0." + std::to_string(i)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, Millis(100));
}

TEST(HttpNotifier, GivesUpOnADeadEndpointWithoutHanging) {
  HttpNotifierOptions options =
      options_for("http://127.0.0.1:" + std::to_string(test::free_port()) + "/hook");
  options.attempts = 3;
  const auto start = std::chrono::steady_clock::now();
  {
    HttpNotifier notifier(options);
    notifier.notify(event("applied", "1.0.0"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

}  // namespace
}  // namespace tether::notifier_test
