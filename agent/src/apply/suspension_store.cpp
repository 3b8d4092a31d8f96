#include "apply/suspension_store.hpp"

#include "core/files.hpp"

#include <nlohmann/json.hpp>

namespace tether {
namespace {

nlohmann::json to_json(const Suspension& hold) {
  nlohmann::json json = {{"reason", hold.reason}, {"source", hold.source}, {"since", hold.since}};
  if (!hold.until.empty()) json["until"] = hold.until;
  return json;
}

Suspension from_json(const nlohmann::json& json) {
  Suspension hold;
  hold.reason = json.at("reason").get<std::string>();
  hold.source = json.value("source", "tether suspend");
  hold.since = json.value("since", "");
  hold.until = json.value("until", "");
  return hold;
}

}  // namespace

Result<HostSuspensions> SuspensionStore::load() const {
  std::error_code ec;
  if (!std::filesystem::exists(m_path, ec)) return HostSuspensions{};
  // Read whole and parsed on every pass: a file grown by anything but `tether suspend` (a
  // hold's reason is one line) must not make each pass read and parse it.
  if (const auto size = std::filesystem::file_size(m_path, ec); !ec && size > k_max_bytes) {
    return Error{m_path.string() + " is larger than " + std::to_string(k_max_bytes / 1024) +
                     " KiB, which `tether suspend` never writes",
                 "every service is held as it runs until it is fixed: remove it to lift every "
                 "local hold, or run `tether resume --all`"};
  }
  auto text = read_file(m_path);
  if (!text) return text.error();
  try {
    const nlohmann::json json = nlohmann::json::parse(*text);
    HostSuspensions holds;
    if (json.contains("all")) holds.all = from_json(json.at("all"));
    if (json.contains("services")) {
      for (const auto& [name, hold] : json.at("services").items())
        holds.services.emplace(name, from_json(hold));
    }
    return holds;
  } catch (const nlohmann::json::exception& e) {
    return Error{m_path.string() + " is not a file `tether suspend` wrote: " + e.what(),
                 "every service is held as it runs until it is fixed: remove it to lift every "
                 "local hold, or run `tether resume --all`"};
  }
}

HostSuspensions SuspensionStore::load_or_hold_all() const {
  auto holds = load();
  if (holds) return *holds;
  HostSuspensions everything;
  everything.all = Suspension{holds.error().describe(), m_path.string(), "", ""};
  return everything;
}

Status SuspensionStore::save(const HostSuspensions& holds) const {
  nlohmann::json json = nlohmann::json::object();
  if (holds.all) json["all"] = to_json(*holds.all);
  if (!holds.services.empty()) {
    json["services"] = nlohmann::json::object();
    for (const auto& [name, hold] : holds.services) json["services"][name] = to_json(hold);
  }
  if (Status made = make_dirs(m_path.parent_path()); !made) return made;
  return write_file_atomic(m_path, json.dump(2) + "\n");
}

}  // namespace tether
