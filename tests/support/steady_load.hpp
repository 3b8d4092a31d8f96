#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tether::test {

/// A small steady HTTP load on 127.0.0.1:`port` from a thread of the test: GET `path` in turns
/// on one keep-alive connection and on a new connection each time, a few hundred requests a
/// second. Counts every answer by its body and every failure (refused, reset, timed out, not
/// 200) with its reason, so a test can say "0 failed" and "no client saw version X".
class SteadyLoad {
 public:
  SteadyLoad(int port, std::string path);
  ~SteadyLoad();
  SteadyLoad(const SteadyLoad&) = delete;
  SteadyLoad& operator=(const SteadyLoad&) = delete;

  /// Stops the thread (idempotent); the counts are final afterwards.
  void stop();
  /// Answers so far, by body.
  [[nodiscard]] std::map<std::string, int> answers() const;
  /// Why requests failed, one entry per failed request.
  [[nodiscard]] std::vector<std::string> failures() const;
  /// Requests answered with 200 so far.
  [[nodiscard]] int answered() const;

 private:
  void run();
  /// One request on `fd` (-1: connect first); returns the fd to reuse (-1: closed).
  int request(int fd);
  void fail(const std::string& why);

  int m_port;
  std::string m_path;
  std::atomic<bool> m_stopping{false};
  mutable std::mutex m_mutex;
  std::map<std::string, int> m_answers;
  std::vector<std::string> m_failures;
  std::thread m_thread;
};

}  // namespace tether::test
