#include "apply/switch_marker.hpp"

#include "apply/current_link.hpp"
#include "apply/journal.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "live/release_record.hpp"

namespace tether {
namespace {

fs::path marker_of(const Layout& layout, const std::string& service) {
  return layout.service_dir(service) / ".switch-from";
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

void undo_unsettled_switches(const Layout& layout) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(layout.services_dir(), ec)) {
    const std::string service = entry.path().filename().string();
    auto text = read_file(marker_of(layout, service));
    if (!text) continue;
    const std::string from = text->substr(0, text->find('\n'));
    std::error_code link_ec;
    const std::string to =
        fs::read_symlink(layout.current_link(service), link_ec).filename().string();
    if (from.empty() || from == to || !fs::is_directory(layout.release_dir(service, from))) {
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
}

}  // namespace tether
