#pragma once

// Header-only on purpose: it uses tether_core types, which only the unit tests link.

#include "archive_builder.hpp"
#include "core/sha256.hpp"
#include "manifest/config_hash.hpp"
#include "model/desired.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tether::test {

/// The content of the fake binary `bin/<service>` in artifacts built by make_release.
inline std::string release_binary(const std::string& service, const std::string& version) {
  return "#!/bin/sh\necho " + service + " " + version + "\n";
}

/// Writes `<dir>/<service>-<version>.tar.gz` holding `bin/<service>` (mode 0755) followed by
/// `extra` entries, and returns the DesiredService that installs it: a file:// artifact URL,
/// both digests, `config_files` (target -> content) and the release identity.
inline DesiredService make_release(const std::filesystem::path& dir,
                                   const std::string& service,
                                   const std::string& version,
                                   const std::map<std::string, std::string>& config_files = {},
                                   const std::vector<ArchiveEntry>& extra = {}) {
  const std::string binary = release_binary(service, version);
  std::vector<ArchiveEntry> entries{{"bin", "", ArchiveEntry::Type::dir, 0755},
                                    {"bin/" + service, binary, ArchiveEntry::Type::file, 0755}};
  entries.insert(entries.end(), extra.begin(), extra.end());
  const std::filesystem::path archive = dir / (service + "-" + version + ".tar.gz");
  std::filesystem::create_directories(dir);
  write_tar_gz(archive, entries);

  ReleaseSpec spec;
  spec.version = version;
  spec.commit = Sha256::of("commit " + version).substr(0, 40);
  spec.artifact = Artifact{"file://" + archive.string(), Sha256::of_file(archive).value()};
  spec.binary = BinaryCheck{"bin/" + service, Sha256::of(binary)};

  DesiredService desired;
  desired.service.name = service;
  desired.service.workload = spec;
  for (const auto& [target, content] : config_files) {
    desired.service.config.push_back(ConfigFile{"config/" + service + "/" + target, target});
  }
  desired.config_files = config_files;
  desired.release =
      ReleaseId{spec.version, spec.commit, spec.binary.sha256, config_hash(config_files)};
  return desired;
}

}  // namespace tether::test
