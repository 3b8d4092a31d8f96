#pragma once

#include "model/probe_field.hpp"

#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace tether {

// The health probe kinds. Each names its manifest key (`health.<k_key>`, also its key in the
// serving record), how it reads in prose (`k_prose`, then its fields' prose) and its fields
// (`k_fields`, see model/probe_field.hpp): the manifest reader, the serving record, the
// fingerprint and the revert proposal's text all follow from them. Adding a kind: a struct
// here and in `Probe`, its attempt in health/; the compiler then lists every place that must
// handle it (ARCHITECTURE.md, "Adding a probe kind").

struct HttpProbe {
  static constexpr const char* k_key = "http";
  static constexpr const char* k_prose = "http GET";
  std::string url;
  int status = 200;
  std::string body;  ///< substring the response must contain; empty = any
  static constexpr std::tuple k_fields{
      TextField<HttpProbe>{
          "url", &HttpProbe::url, FieldPresence::required, TextFormat::http_url, {" "}},
      IntField<HttpProbe>{
          "status", &HttpProbe::status, FieldPresence::optional, 100, 599, {" expecting "}},
      TextField<HttpProbe>{"body",
                           &HttpProbe::body,
                           FieldPresence::optional,
                           TextFormat::any,
                           {" and a body containing \"", "\""}},
  };
  bool operator==(const HttpProbe&) const = default;
};

struct TcpProbe {
  static constexpr const char* k_key = "tcp";
  static constexpr const char* k_prose = "tcp connect";
  std::string address;
  static constexpr std::tuple k_fields{
      TextField<TcpProbe>{
          "address", &TcpProbe::address, FieldPresence::required, TextFormat::host_port, {" "}},
  };
  bool operator==(const TcpProbe&) const = default;
};

struct ExecProbe {
  static constexpr const char* k_key = "exec";
  static constexpr const char* k_prose = "exec";
  std::vector<std::string> command;  ///< argv, run in the release dir
  static constexpr std::tuple k_fields{
      ListField<ExecProbe>{"command", &ExecProbe::command, FieldPresence::required, {" "}},
  };
  bool operator==(const ExecProbe&) const = default;
};

// readiness and watchdog from the service itself (sd_notify, issue #23)
/// Healthy once the service's main process sent READY=1 over its NOTIFY_SOCKET and, when
/// `watchdog_sec` is set, while it keeps sending WATCHDOG=1 at least that often (run.exec
/// only; docs/design.md "Readiness and watchdog from the service").
struct NotifyProbe {
  static constexpr const char* k_key = "notify";
  static constexpr const char* k_prose = "sd_notify READY=1";
  int watchdog_sec = 0;  ///< `watchdogSec`, systemd's WatchdogSec=; 0 = no watchdog
  static constexpr std::tuple k_fields{
      IntField<NotifyProbe>{"watchdogSec",
                            &NotifyProbe::watchdog_sec,
                            FieldPresence::optional,
                            0,
                            86400,
                            {" and WATCHDOG=1 within ", " s (0: none)"}},
  };
  bool operator==(const NotifyProbe&) const = default;
};

/// Exactly one probe; the order is the order in which readers look for a kind's key.
using Probe = std::variant<HttpProbe, TcpProbe, ExecProbe, NotifyProbe>;

/// The probe kind's key ("http", "tcp", "exec").
[[nodiscard]] inline const char* probe_key(const Probe& probe) {
  return std::visit([](const auto& kind) { return kind.k_key; }, probe);
}

/// Calls `visit(std::type_identity<Kind>{})` for each probe kind in `Probe`'s order until
/// one returns true: how readers find the kind a manifest or record names without a list of
/// kinds of their own.
template <class Visit>
bool for_each_probe_kind(Visit&& visit) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return (visit(std::type_identity<std::variant_alternative_t<I, Probe>>{}) || ...);
  }
  (std::make_index_sequence<std::variant_size_v<Probe>>{});
}

}  // namespace tether
