// The one HTTP client's limits against a real loopback server (cpp-httplib on port 0): a
// trickle ends with a low-speed error, a body past its cap is refused, a redirect to file://
// is refused, a deadline scales with the announced size, and a pending SIGTERM cancels.
#include "net/http_client.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

namespace tether::net::http_client_test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

/// Serves /small, /big (100 KiB), /trickle (3 MiB announced, 1 byte per 100 ms),
/// /to-file (302 to file:///etc/passwd) and /to-small (302 to /small).
class TestServer {
 public:
  TestServer() {
    m_server.Get("/small", [](const httplib::Request&, httplib::Response& response) {
      response.set_content("hello", "text/plain");
    });
    m_server.Get("/big", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(std::string(100 * 1024, 'x'), "application/octet-stream");
    });
    m_server.Get("/trickle", [this](const httplib::Request&, httplib::Response& response) {
      response.set_content_provider(3 * 1024 * 1024,
                                    "application/octet-stream",
                                    [this](size_t, size_t, httplib::DataSink& sink) {
                                      if (m_stopping) return false;
                                      // a slow server trickles one byte per 100 ms
                                      std::this_thread::sleep_for(100ms);
                                      return sink.write("x", 1);
                                    });
    });
    m_server.Get("/to-file", [](const httplib::Request&, httplib::Response& response) {
      response.set_redirect("file:///etc/passwd");
    });
    m_server.Get("/to-small", [](const httplib::Request&, httplib::Response& response) {
      response.set_redirect("/small");
    });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    // httplib's stop() is a no-op until listening has begun: wait, or teardown could hang.
    while (!m_server.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~TestServer() {
    m_stopping = true;
    m_server.stop();
    m_thread.join();
  }
  [[nodiscard]] std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }

 private:
  httplib::Server m_server;
  std::atomic<bool> m_stopping{false};
  int m_port = 0;
  std::thread m_thread;
};

HttpRequest request_for(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.connect_timeout = 2s;
  request.deadline = 20s;
  request.max_body_bytes = 8 * 1024 * 1024;  // the trickle announces 3 MiB
  return request;
}

const HttpError& failed(const HttpResult& result) {
  static const HttpError k_none{HttpFailure::transport, Error{"succeeded", ""}};
  const auto* error = std::get_if<HttpError>(&result);
  return error != nullptr ? *error : k_none;
}

class HttpClientTest : public ::testing::Test {
 protected:
  TestServer m_server;
};

TEST_F(HttpClientTest, ReturnsTheStatusAndBody) {
  const HttpResult result = http_perform(request_for(m_server.url("/small")));
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(result)) << failed(result).error.describe();
  EXPECT_EQ(std::get<HttpResponse>(result).status, 200);
  EXPECT_EQ(std::get<HttpResponse>(result).body, "hello");
}

TEST_F(HttpClientTest, ATrickleEndsWithALowSpeedErrorWithinTheLimit) {
  HttpRequest request = request_for(m_server.url("/trickle"));
  request.low_speed_bytes_per_second = 100;
  request.low_speed_time = 1s;
  const auto start = Clock::now();
  const HttpResult result = http_perform(request);
  EXPECT_LT(Clock::now() - start, 5s);
  EXPECT_EQ(failed(result).failure, HttpFailure::too_slow) << failed(result).error.describe();
  EXPECT_NE(failed(result).error.message.find("less than 100 bytes/s"), std::string::npos)
      << failed(result).error.message;
}

TEST_F(HttpClientTest, ADeadlineScaledByTheAnnouncedSizeEndsTheTransfer) {
  HttpRequest request = request_for(m_server.url("/trickle"));
  request.deadline = 500ms;
  request.deadline_per_mib = 500ms;  // 3 MiB announced: 2 s in all
  const auto start = Clock::now();
  const HttpResult result = http_perform(request);
  const auto took = Clock::now() - start;
  EXPECT_EQ(failed(result).failure, HttpFailure::deadline) << failed(result).error.describe();
  EXPECT_GE(took, 1900ms);
  EXPECT_LT(took, 4s);
  EXPECT_NE(failed(result).error.message.find("deadline of 2s"), std::string::npos)
      << failed(result).error.message;
}

TEST_F(HttpClientTest, ABodyPastItsCapIsRefused) {
  HttpRequest request = request_for(m_server.url("/big"));
  request.max_body_bytes = 64 * 1024;
  const HttpResult result = http_perform(request);
  EXPECT_EQ(failed(result).failure, HttpFailure::too_large) << failed(result).error.describe();
  EXPECT_NE(failed(result).error.message.find("65536-byte cap"), std::string::npos);
}

TEST_F(HttpClientTest, ABodyPastItsCapIsCutWhenAskedTo) {
  HttpRequest request = request_for(m_server.url("/big"));
  request.max_body_bytes = 1000;
  request.truncate_body = true;
  const HttpResult result = http_perform(request);
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(result)) << failed(result).error.describe();
  EXPECT_EQ(std::get<HttpResponse>(result).body.size(), 1000U);
}

TEST_F(HttpClientTest, ARedirectToFileIsRefused) {
  HttpRequest request = request_for(m_server.url("/to-file"));
  request.max_redirects = 5;
  const HttpResult result = http_perform(request);
  EXPECT_EQ(failed(result).failure, HttpFailure::protocol_refused)
      << failed(result).error.describe();
}

TEST_F(HttpClientTest, AFileUrlIsRefused) {
  const HttpResult result = http_perform(request_for("file:///etc/passwd"));
  EXPECT_EQ(failed(result).failure, HttpFailure::protocol_refused)
      << failed(result).error.describe();
}

TEST_F(HttpClientTest, RedirectsAreFollowedOnlyWhenAllowed) {
  HttpRequest request = request_for(m_server.url("/to-small"));
  const HttpResult kept = http_perform(request);
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(kept));
  EXPECT_EQ(std::get<HttpResponse>(kept).status, 302);
  request.max_redirects = 1;
  const HttpResult followed = http_perform(request);
  ASSERT_TRUE(std::holds_alternative<HttpResponse>(followed));
  EXPECT_EQ(std::get<HttpResponse>(followed).body, "hello");
}

TEST_F(HttpClientTest, SigtermCancelsATransferInProgress) {
  // The agent blocks SIGTERM and polls for it (core/termination.hpp); so does this thread.
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigset_t old;
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &term, &old), 0);
  HttpRequest request = request_for(m_server.url("/trickle"));
  bool raised = false;
  request.on_progress = [&raised](std::uint64_t done, std::uint64_t) {
    if (done > 0 && !raised) {
      raised = true;
      pthread_kill(pthread_self(), SIGTERM);  // pending on this thread only
    }
  };
  const auto start = Clock::now();
  const HttpResult result = http_perform(request);
  const auto took = Clock::now() - start;
  const timespec none{0, 0};
  sigtimedwait(&term, nullptr, &none);  // take the signal back before unblocking
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  EXPECT_TRUE(raised);
  EXPECT_EQ(failed(result).failure, HttpFailure::cancelled) << failed(result).error.describe();
  EXPECT_TRUE(failed(result).error.stopping);
  EXPECT_LT(took, 3s);
}

TEST(ScaledDeadline, AddsPerMibForEachStartedMib) {
  EXPECT_EQ(scaled_deadline(10s, 2s, 0), 10s);
  EXPECT_EQ(scaled_deadline(10s, 2s, 1), 12s);
  EXPECT_EQ(scaled_deadline(10s, 2s, 1024 * 1024), 12s);
  EXPECT_EQ(scaled_deadline(10s, 2s, 1024 * 1024 + 1), 14s);
}

}  // namespace
}  // namespace tether::net::http_client_test
