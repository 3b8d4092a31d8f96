#pragma once

#include "apply/progress.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace tether {

/// The edge of TransferProgress for one download: a bar on stderr when stderr is a terminal,
/// info log lines otherwise (a daemon's journal gets a line every 10 s, not a bar).
class DownloadProgress {
 public:
  /// `url` names the download in the log; its last path segment labels the bar.
  explicit DownloadProgress(const std::string& url);

  /// libcurl's progress numbers (bytes received, bytes expected or 0).
  void on_bytes(std::uint64_t done, std::uint64_t total);
  /// Ends the bar's line (or logs a closing line) if anything was shown.
  void finish();

 private:
  [[nodiscard]] TransferSample sample() const;

  std::string m_url;
  ProgressMode m_mode;
  TransferProgress m_progress;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::uint64_t m_done = 0;
  std::uint64_t m_total = 0;
};

}  // namespace tether
