#include "manifest/switch_reader.hpp"

#include "manifest/socket_handoff_reader.hpp"

#include <algorithm>
#include <charconv>

namespace tether {
namespace {

constexpr Millis k_max_drain{std::chrono::minutes(10)};
// sockaddr_un.sun_path holds 108 bytes with the terminating NUL.
constexpr size_t k_max_socket_path = 107;

/// `node[key]`, or an undefined node when `node` is not a map (yaml-cpp throws on a zombie).
std::string strategy_check(const std::string& value) {
  return value == "restart" || value == "blue-green" || value == "socket-handoff"
             ? ""
             : "restart, blue-green or socket-handoff";
}

std::string env_name_check(const std::string& value) {
  const bool ok = !value.empty() && value.size() <= 63 &&
                  value.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_") == std::string::npos &&
                  !(value[0] >= '0' && value[0] <= '9');
  return ok ? "" : "an environment variable name (letters, digits, '_', not starting with a digit)";
}

/// Backend and server names go into runtime API commands: no space, ';' or newline (the API's
/// separators) can get in, so a manifest cannot smuggle a second command.
std::string haproxy_name_check(const std::string& value) {
  const bool ok = !value.empty() && value.size() <= 63 &&
                  value.find_first_not_of(
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_.:-") == std::string::npos;
  return ok ? "" : "a HAProxy name: 1-63 letters, digits, '_', '.', ':' or '-'";
}

std::string socket_check(const std::string& value) {
  if (value.empty() || value.front() != '/')
    return "an absolute path (e.g. /run/haproxy/admin.sock)";
  if (value.size() > k_max_socket_path)
    return "a path of at most 107 bytes (a Unix socket's limit)";
  if (value.find_first_of(std::string("\n\r\t\0", 4)) != std::string::npos)
    return "a path without control characters";
  if (value.find("/../") != std::string::npos || value.ends_with("/..") ||
      value.find("/./") != std::string::npos || value.find("//") != std::string::npos)
    return "a normalized path (no '.', '..' or '//' parts)";
  return "";
}

std::optional<int> read_port(FieldReader& r, const YAML::Node& item, const std::string& where) {
  const std::string text = item.IsScalar() ? item.Scalar() : "";
  int port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (!item.IsScalar() || text.empty() || error != std::errc() ||
      end != text.data() + text.size() || port < 1 || port > 65535) {
    r.error(item, where, "expected a port number from 1 to 65535, got '" + text + "'");
    return std::nullopt;
  }
  return port;
}

std::optional<std::array<int, 2>> read_ports(FieldReader& r,
                                             const YAML::Node& node,
                                             const std::string& where) {
  const YAML::Node list = r.child(node, where, "ports", Need::required);
  if (!list.IsDefined()) return std::nullopt;
  const std::string at = join_path(where, "ports");
  if (!list.IsSequence() || list.size() != 2) {
    r.error(list, at, "expected a list of exactly two ports, e.g. [18501, 18502]");
    return std::nullopt;
  }
  auto first = read_port(r, list[0], at + "[0]");
  auto second = read_port(r, list[1], at + "[1]");
  if (!first || !second) return std::nullopt;
  if (*first == *second) {
    r.error(list, at, "the two ports must differ: releases alternate between them");
    return std::nullopt;
  }
  return std::array<int, 2>{*first, *second};
}

std::optional<HaproxyTarget> read_haproxy(FieldReader& r,
                                          const YAML::Node& haproxy,
                                          const std::string& at) {
  if (!r.expect_map(haproxy, at)) return std::nullopt;
  r.reject_unknown_keys(haproxy, at, {"socket", "backend", "server"});
  auto socket = r.string(haproxy, at, "socket", Need::required, socket_check);
  auto backend = r.string(haproxy, at, "backend", Need::required, haproxy_name_check);
  auto server = r.string(haproxy, at, "server", Need::required, haproxy_name_check);
  if (!socket || !backend || !server) return std::nullopt;
  return HaproxyTarget{*socket, *backend, *server};
}

/// An absolute, normalized path without control characters. Which files the agent may then
/// rewrite or read is the driver's check (apply/nginx_upstream.cpp), on the host.
std::string file_path_check(const std::string& value) {
  if (value.empty() || value.front() != '/') return "an absolute path (e.g. /etc/nginx/app.conf)";
  if (value.size() > 4096) return "a path of at most 4096 bytes";
  if (std::any_of(value.begin(), value.end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      }))
    return "a path without control characters";
  if (value.find("/../") != std::string::npos || value.ends_with("/..") ||
      value.find("/./") != std::string::npos || value.ends_with("/.") ||
      value.find("//") != std::string::npos || value.back() == '/')
    return "a normalized path to a file (no '.', '..' or '//' parts, no trailing '/')";
  return "";
}

std::optional<NginxTarget> read_nginx(FieldReader& r,
                                      const YAML::Node& nginx,
                                      const std::string& at) {
  if (!r.expect_map(nginx, at)) return std::nullopt;
  r.reject_unknown_keys(nginx, at, {"upstreamFile", "pidFile"});
  auto upstream = r.string(nginx, at, "upstreamFile", Need::required, file_path_check);
  auto pid = r.string(nginx, at, "pidFile", Need::required, file_path_check);
  if (!upstream || !pid) return std::nullopt;
  return NginxTarget{*upstream, *pid};
}

/// `haproxy` or `nginx`, exactly one: the proxy tether moves traffic with.
std::optional<ProxyTarget> read_proxy(FieldReader& r,
                                      const YAML::Node& node,
                                      const std::string& where) {
  const YAML::Node haproxy = node["haproxy"];
  const YAML::Node nginx = node["nginx"];
  if (haproxy.IsDefined() && nginx.IsDefined()) {
    r.error(nginx,
            join_path(where, "nginx"),
            "only one proxy per service: drop blueGreen.haproxy or blueGreen.nginx");
    return std::nullopt;
  }
  if (haproxy.IsDefined()) return read_haproxy(r, haproxy, join_path(where, "haproxy"));
  if (nginx.IsDefined()) return read_nginx(r, nginx, join_path(where, "nginx"));
  r.error(node,
          join_path(where, "haproxy"),
          "required: the proxy tether moves traffic with (haproxy: {socket, backend, server} "
          "or nginx: {upstreamFile, pidFile})");
  return std::nullopt;
}

std::optional<BlueGreenSpec> read_blue_green(FieldReader& r,
                                             const YAML::Node& node,
                                             const std::string& where) {
  if (!r.expect_map(node, where)) return std::nullopt;
  r.reject_unknown_keys(node, where, {"ports", "portEnv", "haproxy", "nginx"});
  BlueGreenSpec blue_green;
  auto ports = read_ports(r, node, where);
  auto port_env = r.string(node, where, "portEnv", Need::optional, env_name_check);
  auto proxy = read_proxy(r, node, where);
  if (!ports || !proxy || (!port_env && node["portEnv"].IsDefined())) return std::nullopt;
  blue_green.ports = *ports;
  if (port_env) blue_green.port_env = *port_env;
  blue_green.proxy = *proxy;
  return blue_green;
}

/// "8080" or "8080/tcp": a container port alone, the form blue-green publishes itself.
bool is_container_port_alone(const std::string& text) {
  const std::string digits = text.ends_with("/tcp") ? text.substr(0, text.size() - 4) : text;
  int port = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  return !digits.empty() && error == std::errc() && end == digits.data() + digits.size() &&
         port >= 1 && port <= 65535;
}

/// A blue-green container publishes exactly one port, named by its container port alone: tether
/// publishes it on 127.0.0.1 at one of blueGreen.ports, and two containers side by side
/// cannot both hold any other host port.
bool check_blue_green_container(FieldReader& r,
                                const YAML::Node& container,
                                const std::string& where) {
  const YAML::Node ports = map_child(container, "ports");
  const std::string at = join_path(where, "ports");
  if (!ports.IsDefined() || !ports.IsSequence() || ports.size() != 1) {
    r.error(ports.IsDefined() ? ports : container,
            at,
            "with switch.strategy: blue-green, exactly one port: the container port the image "
            "listens on, alone (e.g. [\"8080\"]); tether publishes it on 127.0.0.1 at "
            "blueGreen.ports[0] or [1]");
    return false;
  }
  const std::string text = ports[0].IsScalar() ? ports[0].Scalar() : "";
  if (!is_container_port_alone(text)) {
    r.error(ports[0],
            at + "[0]",
            "with switch.strategy: blue-green, the container port alone (e.g. \"8080\"), got '" +
                text +
                "': the host port is blueGreen.ports[0] or [1], whichever the serving "
                "container does not hold");
    return false;
  }
  return true;
}

}  // namespace

std::optional<SwitchSpec> read_switch(FieldReader& r,
                                      const YAML::Node& spec,
                                      const std::string& path,
                                      bool& ok) {
  const YAML::Node node = spec["switch"];
  if (!node.IsDefined()) return std::nullopt;
  const std::string where = join_path(path, "switch");
  auto fail = [&ok]() -> std::optional<SwitchSpec> {
    ok = false;
    return std::nullopt;
  };
  if (!r.expect_map(node, where)) return fail();
  r.reject_unknown_keys(node, where, {"strategy", "drainTimeout", "blueGreen", "socketHandoff"});
  SwitchSpec result;
  auto strategy = r.string(node, where, "strategy", Need::optional, strategy_check);
  if (!strategy && node["strategy"].IsDefined()) return fail();
  if (strategy == "blue-green") result.strategy = SwitchStrategyKind::blue_green;
  if (strategy == "socket-handoff") result.strategy = SwitchStrategyKind::socket_handoff;
  if (node["drainTimeout"].IsDefined()) {
    auto drain = r.duration(node, where, "drainTimeout", Need::optional);
    if (!drain) return fail();
    if (*drain > k_max_drain) {
      r.error(node["drainTimeout"],
              join_path(where, "drainTimeout"),
              "at most 10m: a drain holds the service's switches (and the agent's pass) meanwhile");
      return fail();
    }
    result.drain_timeout = *drain;
  }
  const YAML::Node handoff = node["socketHandoff"];
  if (result.strategy != SwitchStrategyKind::socket_handoff && handoff.IsDefined()) {
    r.error(handoff, join_path(where, "socketHandoff"), "only with strategy: socket-handoff");
    return fail();
  }
  if (result.strategy == SwitchStrategyKind::socket_handoff) {
    if (!handoff.IsDefined()) {
      r.error(node,
              join_path(where, "socketHandoff"),
              "required with strategy: socket-handoff (sockets: [{name, port}])");
      return fail();
    }
    result.socket_handoff = read_socket_handoff(r, handoff, join_path(where, "socketHandoff"));
    if (!result.socket_handoff) return fail();
  }
  const YAML::Node blue_green = node["blueGreen"];
  if (result.strategy != SwitchStrategyKind::blue_green) {
    if (blue_green.IsDefined()) {
      r.error(blue_green, join_path(where, "blueGreen"), "only with strategy: blue-green");
      return fail();
    }
    return result;
  }
  if (!blue_green.IsDefined()) {
    r.error(node,
            join_path(where, "blueGreen"),
            "required with strategy: blue-green (ports, portEnv, haproxy or nginx)");
    return fail();
  }
  result.blue_green = read_blue_green(r, blue_green, join_path(where, "blueGreen"));
  if (!result.blue_green) return fail();
  return result;
}

bool check_blue_green_service(FieldReader& r, const YAML::Node& spec, const std::string& path) {
  const YAML::Node strategy = map_child(spec["switch"], "strategy");
  if (!strategy.IsScalar() || strategy.Scalar() != "blue-green") return true;
  const std::string where = join_path(path, "switch.strategy");
  bool ok = true;
  if (spec["container"].IsDefined()) {
    ok = check_blue_green_container(r, spec["container"], join_path(path, "container")) && ok;
  } else if (!map_child(spec["run"], "exec").IsDefined()) {
    r.error(spec["run"].IsDefined() ? spec["run"] : strategy,
            join_path(path, "run.exec"),
            "required with switch.strategy: blue-green (tether runs the old and the new release "
            "side by side; systemd runs one unit)");
    ok = false;
  }
  const YAML::Node health = spec["health"];
  if (!map_child(health, "http").IsDefined() && !map_child(health, "tcp").IsDefined()) {
    r.error(strategy,
            where,
            "blue-green needs an http or tcp health probe: it is pointed at the new release's own "
            "port before traffic moves");
    ok = false;
  }
  return ok;
}

}  // namespace tether
