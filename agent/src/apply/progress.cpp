#include "apply/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tether {
namespace {

std::string format(const char* pattern, double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

/// Average rate since the start: steadier than an instantaneous one, and enough for an ETA.
double rate_of(const TransferSample& s) {
  return s.elapsed_seconds > 0 ? static_cast<double>(s.done) / s.elapsed_seconds : 0;
}

double eta_of(const TransferSample& s) {
  const double rate = rate_of(s);
  if (s.total == 0 || rate <= 0) return -1;
  return static_cast<double>(s.total - std::min(s.done, s.total)) / rate;
}

int percent_of(const TransferSample& s) {
  if (s.total == 0) return 0;
  return static_cast<int>(100.0 * static_cast<double>(std::min(s.done, s.total)) /
                          static_cast<double>(s.total));
}

std::string bar(double fraction, int cells) {
  const int full = static_cast<int>(fraction * cells);
  std::string out = "[" + std::string(static_cast<size_t>(full), '=');
  if (full < cells) out += ">" + std::string(static_cast<size_t>(cells - full - 1), ' ');
  return out + "]";
}

}  // namespace

std::string human_bytes(double bytes) {
  if (bytes < 1024) return format("%.0f B", bytes);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  int unit = -1;
  while (bytes >= 1024 && unit < 3) {
    bytes /= 1024;
    ++unit;
  }
  return format("%.1f ", bytes) + units[unit];
}

std::string human_eta(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buffer[32];
  if (s < 60) {
    std::snprintf(buffer, sizeof buffer, "%lds", s);
  } else if (s < 3600) {
    std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  }
  return buffer;
}

std::string render_progress_bar(const std::string& label, const TransferSample& s, int width) {
  const std::string rate = human_bytes(rate_of(s)) + "/s";
  if (s.total == 0) {
    return (label + "  " + human_bytes(static_cast<double>(s.done)) + "  " + rate)
        .substr(0, static_cast<size_t>(std::max(width, 0)));
  }
  const std::string amounts =
      human_bytes(static_cast<double>(s.done)) + " / " + human_bytes(static_cast<double>(s.total));
  const std::string tail =
      format("%3.0f%%", percent_of(s)) + "  " + rate + "  ETA " + human_eta(eta_of(s));
  const int fixed = static_cast<int>(label.size() + amounts.size() + tail.size()) + 6;
  const int cells = std::min(30, width - fixed - 2);
  if (cells < 5) {
    // Narrow terminal: what is left and when it ends matter more than the label and the bar.
    return (amounts + "  " + format("%.0f%%", percent_of(s)) + "  ETA " + human_eta(eta_of(s)))
        .substr(0, static_cast<size_t>(std::max(width, 0)));
  }
  const double fraction = static_cast<double>(percent_of(s)) / 100.0;
  return label + "  " + amounts + " " + bar(fraction, cells) + "  " + tail;
}

std::string render_progress_line(const std::string& label, const TransferSample& s) {
  std::string out = label + ": " + human_bytes(static_cast<double>(s.done));
  if (s.total > 0) {
    out += " of " + human_bytes(static_cast<double>(s.total)) + " (" +
           std::to_string(percent_of(s)) + "%)";
  }
  out += ", " + human_bytes(rate_of(s)) + "/s";
  if (s.total > 0) out += ", ETA " + human_eta(eta_of(s));
  return out;
}

TransferProgress::TransferProgress(ProgressMode mode,
                                   std::string label,
                                   int width,
                                   ProgressTiming timing)
    : m_mode(mode), m_label(std::move(label)), m_width(width), m_timing(timing) {}

std::optional<std::string> TransferProgress::update(const TransferSample& sample) {
  if (sample.elapsed_seconds < m_timing.quiet_for) return std::nullopt;
  const double every = m_mode == ProgressMode::bar ? m_timing.redraw_every : m_timing.log_every;
  if (m_last_shown && sample.elapsed_seconds - *m_last_shown < every) return std::nullopt;
  m_last_shown = sample.elapsed_seconds;
  return m_mode == ProgressMode::bar ? render_progress_bar(m_label, sample, m_width)
                                     : render_progress_line(m_label, sample);
}

std::optional<std::string> TransferProgress::finish(const TransferSample& sample) {
  if (!m_last_shown) return std::nullopt;
  if (m_mode == ProgressMode::bar) return render_progress_bar(m_label, sample, m_width);
  return render_progress_line(m_label, sample) + " in " + human_eta(sample.elapsed_seconds);
}

}  // namespace tether
