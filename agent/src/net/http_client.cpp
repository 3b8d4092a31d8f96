#include "net/http_client.hpp"

#include "net/curl_transfer.hpp"

namespace tether::net {

Millis scaled_deadline(Millis deadline, Millis per_mib, std::uint64_t bytes) {
  constexpr std::uint64_t k_mib = 1024 * 1024;
  const auto mib = static_cast<Millis::rep>((bytes + k_mib - 1) / k_mib);
  return deadline + per_mib * mib;
}

HttpResult http_perform(const HttpRequest& request) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> easy(curl_easy_init(), &curl_easy_cleanup);
  if (!easy) return HttpError{HttpFailure::transport, Error{"cannot initialise libcurl", ""}};
  CurlTransfer transfer(request);
  setup_easy(easy.get(), transfer);
  const CURLcode rc = curl_easy_perform(easy.get());
  return finish_transfer(easy.get(), rc, transfer);
}

std::string to_string(HttpFailure failure) {
  switch (failure) {
    case HttpFailure::transport:
      return "transport";
    case HttpFailure::connect_timeout:
      return "connect-timeout";
    case HttpFailure::deadline:
      return "deadline";
    case HttpFailure::too_slow:
      return "too-slow";
    case HttpFailure::too_large:
      return "too-large";
    case HttpFailure::protocol_refused:
      return "protocol-refused";
    case HttpFailure::http_status:
      return "http-status";
    case HttpFailure::sink_failed:
      return "sink-failed";
    case HttpFailure::cancelled:
      return "cancelled";
  }
  return "transport";
}

}  // namespace tether::net
