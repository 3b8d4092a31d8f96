#include "apply/artifact_fetcher.hpp"

#include "apply/download_progress.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/sha256.hpp"
#include "net/file_url.hpp"
#include "net/http_client.hpp"

#include <cstdio>
#include <functional>
#include <memory>
#include <thread>
#include <unistd.h>

namespace tether {
namespace {

constexpr std::uint64_t k_max_artifact_bytes = 4ULL * 1024 * 1024 * 1024;

/// Where the bytes go while they arrive: the partial file and the digest.
struct Sink {
  std::FILE* file = nullptr;
  Sha256 sha;
  bool write(std::string_view data) {
    sha.update(data);
    return std::fwrite(data.data(), 1, data.size(), file) == data.size();
  }
};

/// Downloads `url` into `file` under `limits`, returning the SHA-256 of what arrived.
Result<std::string> download_to(const std::string& url,
                                std::FILE* file,
                                const NetworkLimits& limits) {
  Sink sink{file, {}};
  const auto max_bytes = static_cast<std::uint64_t>(
      fault::limit("artifact-max-bytes", static_cast<long long>(k_max_artifact_bytes)));
  auto write = [&sink](std::string_view data) { return sink.write(data); };
  if (net::is_file_url(url)) {
    if (Status read = net::read_file_url(url, max_bytes, write); !read) return read.error();
    return sink.sha.hex();
  }
  net::HttpRequest request;
  request.url = url;
  request.connect_timeout = limits.connect_timeout;
  request.deadline = limits.download_deadline_base;
  request.deadline_per_mib = limits.download_deadline_per_mib;
  request.low_speed_bytes_per_second = limits.low_speed_bytes_per_second;
  // The hostile suite shortens the stall window without a config file of its own.
  request.low_speed_time = std::chrono::seconds(fault::limit(
      "download-stall-s",
      std::chrono::duration_cast<std::chrono::seconds>(limits.low_speed_time).count()));
  request.max_redirects = 5;
  request.max_body_bytes = max_bytes;
  request.fail_on_http_error = true;
  request.on_body = write;
  DownloadProgress progress(url);
  request.on_progress = [&progress](std::uint64_t done, std::uint64_t total) {
    progress.on_bytes(done, total);
  };
  net::HttpResult result = net::http_perform(request);
  progress.finish();
  if (auto* failed = std::get_if<net::HttpError>(&result)) {
    if (failed->failure == net::HttpFailure::sink_failed)
      return Error{"cannot write the download: " + errno_text(), "check free disk space"};
    return failed->error.with_context("download failed");
  }
  return sink.sha.hex();
}

}  // namespace

Result<std::filesystem::path> fetch_artifact(const Artifact& artifact,
                                             const std::filesystem::path& cache_dir,
                                             const NetworkLimits& limits) {
  const std::filesystem::path cached = cache_dir / artifact.sha256;
  if (std::filesystem::exists(cached)) {
    auto digest = Sha256::of_file(cached);
    if (digest && *digest == artifact.sha256) return cached;
    std::filesystem::remove(cached);  // corrupted cache entry: fetch again
  }
  if (Status made = make_dirs(cache_dir); !made) return made.error();
  // Services of one wave may fetch the same artifact at once (Applier::apply): each thread
  // writes a file of its own, and the renames into place are atomic (the last one wins, with
  // the same bytes).
  const std::filesystem::path partial =
      cache_dir / (".partial-" + artifact.sha256 + "-" + std::to_string(::getpid()) + "-" +
                   std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())));
  std::FILE* file = std::fopen(partial.c_str(), "wbe");
  if (file == nullptr) return Error{"cannot create " + partial.string() + ": " + errno_text(), ""};
  auto digest = download_to(artifact.url, file, limits);
  const bool flushed = std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  std::fclose(file);
  if (!digest || !flushed || *digest != artifact.sha256) {
    std::filesystem::remove(partial);
    if (!digest) return digest.error();
    if (!flushed)
      return Error{"cannot write " + partial.string() + ": " + errno_text(),
                   "check free disk space"};
    return Error{"artifact " + artifact.url + " has sha256 " + *digest +
                     ", but the manifest declares " + artifact.sha256,
                 "the artifact was not used; fix spec.release.artifact.sha256 or the artifact"};
  }
  std::error_code ec;
  std::filesystem::rename(partial, cached, ec);
  if (ec)
    return Error{"cannot move the download into " + cached.string() + ": " + ec.message(), ""};
  return cached;
}

}  // namespace tether
