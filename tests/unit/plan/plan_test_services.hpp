#pragma once

// Declared and live services for table-driven tests of the pure planner.

#include "model/desired.hpp"
#include "model/live.hpp"

#include <string>
#include <vector>

namespace tether::plan_test {

/// A release whose identity depends only on `version`.
inline ReleaseId release(const std::string& version) {
  return ReleaseId{version, std::string(40, 'a'), std::string(64, 'b'), "c0"};
}

/// An exec service declared at `version`, after `depends_on`.
inline DesiredService exec_service(const std::string& name,
                                   const std::string& version,
                                   std::vector<std::string> depends_on = {}) {
  const ReleaseId id = release(version);
  Service service;
  service.name = name;
  service.workload = ReleaseSpec{
      id.version, id.commit, {"file:///a.tgz", std::string(64, 'e')}, {"bin/x", id.binary_sha256}};
  service.run = RunSpec{ExecRun{{"bin/x"}, {}, Millis(1000)}};
  service.depends_on = std::move(depends_on);
  return DesiredService{service, id, {}, "digest-" + name, "fp-" + id.dir_name()};
}

/// `name` live at `version`, intact and serving, its process in `process`.
inline LiveService live_at(const std::string& name,
                           const std::string& version,
                           ProcessState process = ProcessState::running) {
  const ReleaseId id = release(version);
  LiveService live;
  live.name = name;
  live.installed = {InstalledRelease{id.dir_name(), id, "t1", true, ""}};
  live.current_dir = id.dir_name();
  live.process_release_dir = id.dir_name();
  live.process = process;
  live.fingerprint = "fp-" + id.dir_name();
  live.serving = ServingRecord{id, live.fingerprint};
  live.serving->spec.run = RunSpec{ExecRun{{"bin/x"}, {}, Millis(1000)}};
  return live;
}

}  // namespace tether::plan_test
