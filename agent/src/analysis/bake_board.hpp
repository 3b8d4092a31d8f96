#pragma once

#include "analysis/bake_judge.hpp"

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace tether {

/// One service's bake while it runs.
struct BakeProgress {
  std::string version;  ///< the release being baked
  Millis bake{0};
  Millis elapsed{0};
  std::vector<QueryReading> readings;  ///< the last round's ("" before the first round)
};

/// What the bakes tell /status and /metrics as they happen (a bake runs inside a pass, while
/// the status board still shows the pass before). Written by the applier's threads, read by the
/// API's: every call takes the one mutex.
class BakeBoard {
 public:
  struct Snapshot {
    std::map<std::string, BakeProgress> baking;  ///< service -> its bake in progress
    /// (service, query) -> the last value read (kept after the bake, for /metrics).
    std::map<std::pair<std::string, std::string>, double> last_values;
    std::map<std::pair<std::string, std::string>, long long> breaches;  ///< totals
  };

  /// Called (outside the board's lock) as each bake begins: the metrics' converged gauge.
  using BeginListener = std::function<void(const std::string& service)>;
  void on_begin(BeginListener listener) {
    std::lock_guard lock(m_mutex);
    m_on_begin = std::move(listener);
  }

  void begin(const std::string& service, const std::string& version, Millis bake) {
    BeginListener listener;
    {
      std::lock_guard lock(m_mutex);
      m_snapshot.baking[service] = BakeProgress{version, bake, Millis(0), {}};
      listener = m_on_begin;
    }
    if (listener) listener(service);
  }
  void round(const std::string& service, Millis elapsed, const std::vector<QueryReading>& read) {
    std::lock_guard lock(m_mutex);
    BakeProgress& progress = m_snapshot.baking[service];
    progress.elapsed = elapsed;
    progress.readings = read;
    for (const QueryReading& reading : read) {
      if (reading.value) m_snapshot.last_values[{service, reading.query}] = *reading.value;
      if (reading.verdict != QueryReading::Verdict::holds &&
          reading.verdict != QueryReading::Verdict::no_data) {
        ++m_snapshot.breaches[{service, reading.query}];
      }
    }
  }
  void end(const std::string& service) {
    std::lock_guard lock(m_mutex);
    m_snapshot.baking.erase(service);
  }
  [[nodiscard]] Snapshot snapshot() const {
    std::lock_guard lock(m_mutex);
    return m_snapshot;
  }

 private:
  mutable std::mutex m_mutex;
  Snapshot m_snapshot;
  BeginListener m_on_begin;
};

}  // namespace tether
