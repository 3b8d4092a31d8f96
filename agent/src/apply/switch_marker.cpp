#include "apply/switch_marker.hpp"

#include "apply/current_link.hpp"
#include "apply/journal.hpp"
#include "core/file_lock.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "live/release_record.hpp"

#include <vector>

namespace tether {
namespace {

constexpr const char* k_marker_name = ".switch-from";

fs::path marker_of(const Layout& layout, const std::string& service) {
  return layout.service_dir(service) / k_marker_name;
}

}  // namespace

Status begin_switch(const Layout& layout,
                    const std::string& service,
                    const std::string& from_dir,
                    const std::string& to_dir) {
  if (from_dir.empty() || from_dir == to_dir) return ok_status();
  return write_file_atomic(marker_of(layout, service), from_dir + "\n");
}

void end_switch(const Layout& layout, const std::string& service) {
  std::error_code ec;
  fs::remove(marker_of(layout, service), ec);
  // Not fsync'd: a marker that survives a crash only costs one more health-gated switch.
}

namespace {

/// The services with a switch marker. Never throws: a services dir that cannot be listed (yet)
/// has none.
std::vector<std::string> services_with_marker(const Layout& layout) {
  std::vector<std::string> services;
  std::error_code ec;
  for (fs::directory_iterator it(layout.services_dir(), ec), end; !ec && it != end;
       it.increment(ec)) {
    // The entry's own path: marker_of() would build the services dir's path again for each
    // of them, every pass (issue #22).
    std::error_code marker_ec;
    if (fs::exists(it->path() / k_marker_name, marker_ec))
      services.push_back(it->path().filename().string());
  }
  return services;
}

}  // namespace

fs::path switch_owner_lock(const Layout& layout, const std::string& service) {
  return layout.service_dir(service) / "switching.lock";
}

bool undo_unsettled_switches(const Layout& layout) {
  const std::vector<std::string> marked = services_with_marker(layout);
  for (const std::string& service : marked) {
    // Rollback drills (#23): another process is switching it right now.
    if (lock_holder(switch_owner_lock(layout, service))) continue;
    auto text = read_file(marker_of(layout, service));
    if (!text) continue;
    const std::string from = text->substr(0, text->find('\n'));
    std::error_code link_ec;
    const std::string to =
        fs::read_symlink(layout.current_link(service), link_ec).filename().string();
    std::error_code dir_ec;
    // A marker naming anything but a release dir name (a path, "..") is not followed.
    const bool plain_name = from.find('/') == std::string::npos && from != "." && from != "..";
    if (from.empty() || from == to || !plain_name ||
        !fs::is_directory(layout.release_dir(service, from), dir_ec)) {
      end_switch(layout, service);
      continue;
    }
    const Status back = switch_current(layout, service, from);
    const std::string reason =
        "the agent stopped before the health check of " + to + " passed; switched back to " + from;
    log_warn("unsettled switch undone",
             {{"service", service}, {"from", to}, {"to", from}, {"reason", reason}});
    const auto release_of = [&](const std::string& dir) -> std::optional<JournalRelease> {
      auto record = read_release_record(layout.release_dir(service, dir));
      if (!record) return JournalRelease{"", "", dir};
      return JournalRelease{record->id.version, record->id.commit, dir};
    };
    (void)Journal(layout.journal())
        .append(JournalEntry{now_rfc3339(),
                             "",
                             service,
                             "auto-rollback",
                             release_of(to),
                             release_of(from),
                             back ? "ok" : "failed",
                             back ? "" : back.error().describe(),
                             reason});
    if (back) end_switch(layout, service);  // else: tried again next pass
  }
  return !marked.empty();
}

}  // namespace tether
