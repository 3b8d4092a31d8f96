#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tether {

/// Where a transfer stands, `elapsed_seconds` after it started.
struct TransferSample {
  double elapsed_seconds = 0;
  std::uint64_t done = 0;   ///< bytes received
  std::uint64_t total = 0;  ///< bytes expected; 0 when the server did not say
};

/// A progress bar redrawn in place on a terminal, or log lines now and then otherwise.
enum class ProgressMode { bar, log_lines };

struct ProgressTiming {
  double quiet_for = 1.0;     ///< say nothing until a transfer has run this long
  double redraw_every = 0.2;  ///< bar mode
  double log_every = 10.0;    ///< log mode
};

/// "1.5 KiB", "12.0 MiB", "3.2 GiB" (binary units; bytes below 1 KiB as "512 B").
[[nodiscard]] std::string human_bytes(double bytes);
/// "45s", "3m05s", "1h02m"; "?" when unknown (negative or not finite).
[[nodiscard]] std::string human_eta(double seconds);

/// "web-1.4.2.tar.gz  12.0 MiB / 40.0 MiB [=====>      ]  30%  2.1 MiB/s  ETA 14s", cut to
/// `width` columns (the bar shrinks first; without a total there is no bar, percent or ETA).
[[nodiscard]] std::string render_progress_bar(const std::string& label,
                                              const TransferSample& sample,
                                              int width);
/// "web-1.4.2.tar.gz: 12.0 MiB of 40.0 MiB (30%), 2.1 MiB/s, ETA 14s" for a log line.
[[nodiscard]] std::string render_progress_line(const std::string& label,
                                               const TransferSample& sample);

/// Decides, sample by sample, what a transfer shows: nothing for short transfers, then a bar
/// redrawn at most every `redraw_every` seconds or a log line every `log_every` seconds.
/// Pure: the caller passes the samples (with their time) and writes what it gets back.
class TransferProgress {
 public:
  TransferProgress(ProgressMode mode, std::string label, int width, ProgressTiming timing = {});

  /// Text to show for this sample: in bar mode to draw over the current line (no "\r" or
  /// newline included); in log mode one log message. Nothing when it is not time yet.
  [[nodiscard]] std::optional<std::string> update(const TransferSample& sample);
  /// At the end of the transfer, bar mode: the final bar, if a bar was ever drawn (the caller
  /// ends the line). Log mode: a closing line if any progress line was logged.
  [[nodiscard]] std::optional<std::string> finish(const TransferSample& sample);

 private:
  ProgressMode m_mode;
  std::string m_label;
  int m_width;
  ProgressTiming m_timing;
  std::optional<double> m_last_shown;  ///< elapsed seconds of the last output
};

}  // namespace tether
