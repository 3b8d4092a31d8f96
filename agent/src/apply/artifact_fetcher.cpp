#include "apply/artifact_fetcher.hpp"

#include "apply/download_progress.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/sha256.hpp"

#include <curl/curl.h>

#include <cstdio>
#include <memory>
#include <unistd.h>

namespace tether {
namespace {

constexpr curl_off_t k_max_artifact_bytes = 4LL * 1024 * 1024 * 1024;

struct Download {
  std::FILE* file = nullptr;
  Sha256 sha;
  bool write_failed = false;
  curl_off_t received = 0;
  curl_off_t max_bytes = 0;
};

int on_progress(void* user, curl_off_t total, curl_off_t done, curl_off_t, curl_off_t) {
  static_cast<DownloadProgress*>(user)->on_bytes(static_cast<std::uint64_t>(done),
                                                 static_cast<std::uint64_t>(total));
  return 0;
}

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto* download = static_cast<Download*>(user);
  const size_t bytes = size * count;
  // CURLOPT_MAXFILESIZE only checks a declared Content-Length (before curl 8.4): a chunked or
  // length-less body is capped here.
  download->received += static_cast<curl_off_t>(bytes);
  if (download->received > download->max_bytes) return 0;
  download->sha.update(std::string_view(data, bytes));
  if (std::fwrite(data, 1, bytes, download->file) != bytes) {
    download->write_failed = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  return bytes;
}

/// Downloads `url` into `file`, returning the SHA-256 of what arrived.
Result<std::string> download_to(const std::string& url, std::FILE* file) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return Error{"cannot initialise libcurl", ""};
  Download download;
  download.file = file;
  download.max_bytes = fault::limit("artifact-max-bytes", k_max_artifact_bytes);
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http,file");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https,http");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
  // A stalled transfer (under 1 KiB/s for 60 s) is abandoned instead of hanging the agent.
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(
      c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(fault::limit("download-stall-s", 60)));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, download.max_bytes);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &download);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  DownloadProgress progress(url);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &progress);
  const CURLcode rc = curl_easy_perform(c);
  progress.finish();
  if (download.write_failed)
    return Error{"cannot write the download: " + errno_text(), "check free disk space"};
  if (download.received > download.max_bytes || rc == CURLE_FILESIZE_EXCEEDED) {
    return Error{"download of " + url + " is larger than the " +
                     std::to_string(download.max_bytes) + "-byte cap",
                 "check the URL; artifacts must be smaller than the cap"};
  }
  if (rc != CURLE_OK) {
    return Error{"download of " + url + " failed: " +
                     (error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc)),
                 "check the URL and that the artifact server is reachable from this host"};
  }
  return download.sha.hex();
}

}  // namespace

Result<std::filesystem::path> fetch_artifact(const Artifact& artifact,
                                             const std::filesystem::path& cache_dir) {
  const std::filesystem::path cached = cache_dir / artifact.sha256;
  if (std::filesystem::exists(cached)) {
    auto digest = Sha256::of_file(cached);
    if (digest && *digest == artifact.sha256) return cached;
    std::filesystem::remove(cached);  // corrupted cache entry: fetch again
  }
  if (Status made = make_dirs(cache_dir); !made) return made.error();
  const std::filesystem::path partial =
      cache_dir / (".partial-" + artifact.sha256 + "-" + std::to_string(::getpid()));
  std::FILE* file = std::fopen(partial.c_str(), "wbe");
  if (file == nullptr) return Error{"cannot create " + partial.string() + ": " + errno_text(), ""};
  auto digest = download_to(artifact.url, file);
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
