#include "manifest/socket_handoff_reader.hpp"

#include <arpa/inet.h>
#include <set>
#include <utility>

namespace tether {
namespace {

/// `node[key]`, or an undefined node when `node` is not a map (yaml-cpp throws on a zombie).
/// sd_listen_fds_with_names(3): a name is at most 255 characters of a safe set (no ':', which
/// separates names in LISTEN_FDNAMES).
std::string name_check(const std::string& value) {
  const bool ok = !value.empty() && value.size() <= 255 &&
                  value.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_.-") == std::string::npos;
  return ok ? "" : "a socket name: 1-255 letters, digits, '_', '.' or '-' (no ':')";
}

std::string address_check(const std::string& value) {
  in_addr parsed{};
  return ::inet_pton(AF_INET, value.c_str(), &parsed) == 1
             ? ""
             : "an IPv4 address to listen on (127.0.0.1: this host only; 0.0.0.0: every "
               "interface)";
}

std::optional<HandoffSocket> read_socket(FieldReader& r,
                                         const YAML::Node& item,
                                         const std::string& at) {
  if (!r.expect_map(item, at)) return std::nullopt;
  r.reject_unknown_keys(item, at, {"name", "address", "port"});
  auto name = r.string(item, at, "name", Need::required, name_check);
  auto address = r.string(item, at, "address", Need::optional, address_check);
  auto port = r.integer(item, at, "port", Need::required, 1, 65535);
  if (!name || !port || (!address && item["address"].IsDefined())) return std::nullopt;
  HandoffSocket socket{*name, "127.0.0.1", static_cast<int>(*port)};
  if (address) socket.address = *address;
  return socket;
}

}  // namespace

std::optional<SocketHandoffSpec> read_socket_handoff(FieldReader& r,
                                                     const YAML::Node& node,
                                                     const std::string& where) {
  if (!r.expect_map(node, where)) return std::nullopt;
  r.reject_unknown_keys(node, where, {"sockets"});
  const YAML::Node list = r.child(node, where, "sockets", Need::required);
  if (!list.IsDefined()) return std::nullopt;
  const std::string at = join_path(where, "sockets");
  if (!list.IsSequence() || list.size() == 0 || list.size() > SocketHandoffSpec::k_max_sockets) {
    r.error(list,
            at,
            "expected a list of 1 to 16 sockets, e.g. [{name: http, port: 8080}]; they are "
            "passed at fds 3, 4, ... in this order");
    return std::nullopt;
  }
  SocketHandoffSpec spec;
  std::set<std::string> names;
  std::set<std::pair<std::string, int>> endpoints;
  bool ok = true;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string item_at = at + "[" + std::to_string(i) + "]";
    auto socket = read_socket(r, list[i], item_at);
    if (!socket) {
      ok = false;
      continue;
    }
    if (!names.insert(socket->name).second) {
      r.error(list[i], item_at + ".name", "'" + socket->name + "' is already a socket's name");
      ok = false;
    }
    if (!endpoints.insert({socket->address, socket->port}).second) {
      r.error(list[i],
              item_at + ".port",
              socket->address + ":" + std::to_string(socket->port) + " is already declared");
      ok = false;
    }
    spec.sockets.push_back(std::move(*socket));
  }
  if (!ok) return std::nullopt;
  return spec;
}

bool check_socket_handoff_service(FieldReader& r, const YAML::Node& spec, const std::string& path) {
  const YAML::Node strategy = map_child(spec["switch"], "strategy");
  if (!strategy.IsScalar() || strategy.Scalar() != "socket-handoff") return true;
  const std::string where = join_path(path, "switch.strategy");
  bool ok = true;
  if (spec["container"].IsDefined()) {
    r.error(strategy,
            where,
            "socket-handoff is not supported for containers: use run.exec, or drop spec.switch");
    ok = false;
  } else if (!map_child(spec["run"], "exec").IsDefined()) {
    r.error(spec["run"].IsDefined() ? spec["run"] : strategy,
            join_path(path, "run.exec"),
            "required with switch.strategy: socket-handoff (tether runs the old and the new "
            "release side by side on the sockets it holds; systemd runs one unit)");
    ok = false;
  }
  if (!map_child(spec["health"], "notify").IsDefined()) {
    r.error(spec["health"].IsDefined() ? spec["health"] : strategy,
            join_path(path, "health.notify"),
            "required with switch.strategy: socket-handoff: the gate waits for READY=1 from the "
            "new process, since a probe of the shared port may be answered by the old one");
    ok = false;
  }
  return ok;
}

}  // namespace tether
