#include "report/release_list.hpp"

#include "apply/container_images.hpp"
#include "apply/history_store.hpp"
#include "live/release_record.hpp"
#include "live/serving_record.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace tether {
namespace {

/// Bytes of the regular files below `dir`, symlinks counted as themselves (never followed:
/// a release's shared links do not count the shared data).
std::uintmax_t size_on_disk(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec) && !it->is_symlink(size_ec)) {
      const auto size = it->file_size(size_ec);
      if (!size_ec) total += size;
    }
  }
  return total;
}

std::string current_dir(const Layout& layout, const std::string& service) {
  std::error_code ec;
  const fs::path target = fs::read_symlink(layout.current_link(service), ec);
  return ec ? "" : target.filename().string();
}

/// The rollback target: what passed its gate before the live release.
std::string previous_of(const ServiceHistory& history, const std::string& live) {
  return history.last_good_dir == live ? history.previous_good_dir : history.last_good_dir;
}

void add_role(ReleaseEntry& entry, bool yes, const char* role) {
  if (yes) entry.roles.emplace_back(role);
}

std::vector<ReleaseEntry> release_dirs(const Layout& layout,
                                       const std::string& service,
                                       const ServiceHistory& history) {
  std::vector<ReleaseEntry> entries;
  const std::string live = current_dir(layout, service);
  const std::string previous = previous_of(history, live);
  std::error_code ec;
  for (fs::directory_iterator it(layout.releases_dir(service), ec), end; !ec && it != end;
       it.increment(ec)) {
    ReleaseEntry entry;
    entry.name = it->path().filename().string();
    if (entry.name.rfind(".tmp-", 0) == 0 || entry.name.rfind(".old-", 0) == 0) continue;
    if (auto record = read_release_record(it->path())) {
      entry.version = record->id.version;
      entry.commit = record->id.commit;
      entry.installed_at = record->installed_at;
    }
    entry.bytes = size_on_disk(it->path());
    add_role(entry, entry.name == live, "live");
    add_role(entry, !previous.empty() && entry.name == previous && entry.name != live, "previous");
    add_role(
        entry, history.quarantine && history.quarantine->dir_name == entry.name, "quarantined");
    const auto& failed = history.failed_dirs;
    add_role(entry, std::find(failed.begin(), failed.end(), entry.name) != failed.end(), "failed");
    add_role(entry, entry.version.empty(), "damaged");
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<ReleaseEntry> container_images(const Layout& layout, const std::string& service) {
  std::vector<ReleaseEntry> entries;
  const auto serving = read_serving_record(layout, service);
  for (const std::string& image : read_image_record(layout, service)) {
    ReleaseEntry entry;
    entry.name = image;
    add_role(entry, serving && serving->image == image, "live");
    entries.push_back(std::move(entry));
  }
  std::reverse(entries.begin(), entries.end());  // the record is oldest first
  return entries;
}

}  // namespace

Result<ReleaseList> list_releases(const Layout& layout, const std::string& service) {
  std::error_code ec;
  if (!fs::is_directory(layout.service_dir(service), ec)) {
    return Error{"service " + service + " has nothing installed on this host (no " +
                     layout.service_dir(service).string() + ")",
                 "check the name with `tether status`"};
  }
  auto history = HistoryStore(layout.history()).load();
  const ServiceHistory past = history ? (*history)[service] : ServiceHistory{};
  ReleaseList list;
  list.service = service;
  list.kind = fs::exists(image_record_path(layout, service), ec) ? "container" : "release";
  list.releases = list.kind == "container" ? container_images(layout, service)
                                           : release_dirs(layout, service, past);
  if (list.kind == "release") {
    std::stable_sort(list.releases.begin(), list.releases.end(), [](const auto& a, const auto& b) {
      return a.installed_at > b.installed_at;
    });
  }
  if (fs::is_directory(layout.shared_dir(service), ec)) {
    list.shared_dir = layout.shared_dir(service).string();
    list.shared_bytes = size_on_disk(layout.shared_dir(service));
  }
  return list;
}

nlohmann::json to_json(const ReleaseList& list) {
  nlohmann::json releases = nlohmann::json::array();
  for (const ReleaseEntry& e : list.releases) {
    nlohmann::json row = {{"name", e.name}, {"roles", e.roles}};
    if (!e.version.empty()) row["version"] = e.version;
    if (!e.commit.empty()) row["commit"] = e.commit;
    row["installedAt"] = e.installed_at.empty() ? nlohmann::json() : nlohmann::json(e.installed_at);
    row["bytes"] = e.bytes ? nlohmann::json(*e.bytes) : nlohmann::json();
    releases.push_back(std::move(row));
  }
  nlohmann::json json = {{"service", list.service}, {"kind", list.kind}, {"releases", releases}};
  if (list.shared_bytes) {
    json["shared"] = {{"dir", list.shared_dir}, {"bytes", *list.shared_bytes}};
  }
  return json;
}

}  // namespace tether
