#pragma once

#include "health/probe.hpp"

#include <mutex>
#include <set>
#include <string>

namespace tether::test {

/// A Prober that judges by release dir and probe: healthy unless the probed release (the last
/// part of its dir) or the HTTP probe's URL was declared sick. Counts its calls.
class FakeProber final : public Prober {
 public:
  /// `what`: a release dir name or an HTTP probe URL.
  void sicken(const std::string& what) {
    const std::lock_guard lock(m_mutex);
    m_sick.insert(what);
  }
  void cure(const std::string& what) {
    const std::lock_guard lock(m_mutex);
    m_sick.erase(what);
  }

  /// Safe to call from several threads (the services of one wave).
  ProbeResult probe(const Probe& probe, Millis, const std::filesystem::path& release_dir) override {
    const std::lock_guard lock(m_mutex);
    ++m_calls;
    const auto* http = std::get_if<HttpProbe>(&probe);
    if (m_sick.count(release_dir.filename().string()) != 0 ||
        (http != nullptr && m_sick.count(http->url) != 0))
      return {false, "HTTP 500"};
    return {true, "HTTP 200"};
  }

  int m_calls = 0;

 private:
  std::mutex m_mutex;
  std::set<std::string> m_sick;
};

}  // namespace tether::test
