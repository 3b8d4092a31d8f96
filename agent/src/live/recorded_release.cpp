#include "live/recorded_release.hpp"

#include "manifest/fingerprint.hpp"

namespace tether {

DesiredService desired_of_record(const std::string& service, const ReleaseRecord& record) {
  DesiredService desired;
  desired.service.name = service;
  desired.service.workload = ReleaseSpec{record.id.version,
                                         record.id.commit,
                                         {record.artifact_url, record.artifact_sha256},
                                         {record.binary_path, record.id.binary_sha256}};
  desired.service.run = record.run;
  desired.service.health = record.health;
  desired.release = record.id;
  desired.fingerprint =
      fingerprint_of(RuntimeSpec{record.id.dir_name(), record.run, record.health, {}, {}});
  return desired;
}

}  // namespace tether
