#include "apply/download_progress.hpp"

#include "core/log.hpp"

#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

namespace tether {
namespace {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

int terminal_width() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

std::string label_of(const std::string& url) {
  const size_t slash = url.find_last_of('/');
  return slash == std::string::npos || slash + 1 == url.size() ? url : url.substr(slash + 1);
}

}  // namespace

DownloadProgress::DownloadProgress(const std::string& url)
    : m_url(url),
      m_mode(stderr_is_terminal() ? ProgressMode::bar : ProgressMode::log_lines),
      // One column spare: a line exactly as wide as the terminal wraps on some terminals.
      m_progress(m_mode, label_of(url), terminal_width() - 1) {}

TransferSample DownloadProgress::sample() const {
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - m_start;
  return {elapsed.count(), m_done, m_total};
}

void DownloadProgress::on_bytes(std::uint64_t done, std::uint64_t total) {
  m_done = done;
  m_total = total;
  const auto text = m_progress.update(sample());
  if (!text) return;
  if (m_mode == ProgressMode::bar) {
    // Back to column 0, draw, clear what a longer previous bar left behind.
    std::fprintf(stderr, "\r%s\033[K", text->c_str());
    std::fflush(stderr);
  } else {
    log_info("downloading " + *text, {{"url", m_url}});
  }
}

void DownloadProgress::finish() {
  const auto text = m_progress.finish(sample());
  if (!text) return;
  if (m_mode == ProgressMode::bar) {
    std::fprintf(stderr, "\r%s\033[K\n", text->c_str());
    std::fflush(stderr);
  } else {
    log_info("downloaded " + *text, {{"url", m_url}});
  }
}

}  // namespace tether
