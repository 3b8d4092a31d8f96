#include "manifest/release_reader.hpp"

#include "manifest/field_checks.hpp"

namespace tether {
namespace {

/// `spec.release.limits`: caps on what the artifact may unpack to (defaults in UnpackLimits).
std::optional<UnpackLimits> read_limits(FieldReader& r,
                                        const YAML::Node& node,
                                        const std::string& path) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(node, path, {"maxUnpackedMiB", "maxFiles"});
  constexpr long long k_mib = 1024 * 1024;
  UnpackLimits limits;
  auto bytes = r.integer(node, path, "maxUnpackedMiB", Need::optional, 1, 1024 * 1024);
  auto files = r.integer(node, path, "maxFiles", Need::optional, 1, 10'000'000);
  if ((node["maxUnpackedMiB"].IsDefined() && !bytes) || (node["maxFiles"].IsDefined() && !files)) {
    return std::nullopt;
  }
  if (bytes) limits.max_bytes = *bytes * k_mib;
  if (files) limits.max_files = *files;
  return limits;
}

}  // namespace

std::optional<ReleaseSpec> read_release(FieldReader& r,
                                        const YAML::Node& node,
                                        const std::string& path) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(node, path, {"version", "commit", "artifact", "binary", "limits"});
  ReleaseSpec release;
  auto version = r.string(node, path, "version", Need::required, checks::version);
  auto commit = r.string(node, path, "commit", Need::required, checks::commit);
  bool ok = version && commit;
  const std::string artifact_path = join_path(path, "artifact");
  const YAML::Node artifact = r.child(node, path, "artifact", Need::required);
  if (artifact.IsDefined() && r.expect_map(artifact, artifact_path)) {
    r.reject_unknown_keys(artifact, artifact_path, {"url", "sha256"});
    auto url = r.string(artifact, artifact_path, "url", Need::required, checks::artifact_url);
    auto sha = r.string(artifact, artifact_path, "sha256", Need::required, checks::sha256);
    ok = ok && url && sha;
    if (url && sha) release.artifact = Artifact{*url, *sha};
  } else {
    ok = false;
  }
  const std::string binary_path = join_path(path, "binary");
  const YAML::Node binary = r.child(node, path, "binary", Need::required);
  if (binary.IsDefined() && r.expect_map(binary, binary_path)) {
    r.reject_unknown_keys(binary, binary_path, {"path", "sha256"});
    auto file = r.string(binary, binary_path, "path", Need::required, checks::safe_relative_path);
    auto sha = r.string(binary, binary_path, "sha256", Need::required, checks::sha256);
    ok = ok && file && sha;
    if (file && sha) release.binary = BinaryCheck{*file, *sha};
  } else {
    ok = false;
  }
  if (const YAML::Node limits = node["limits"]; limits.IsDefined()) {
    auto read = read_limits(r, limits, join_path(path, "limits"));
    ok = ok && read;
    if (read) release.limits = *read;
  }
  if (!ok) return std::nullopt;
  release.version = *version;
  release.commit = *commit;
  return release;
}

namespace {

/// True when writing a file at `target` would replace `binary` or a dir on its way (or the
/// other way round): a config file must never stand in for the pinned binary.
bool shadows(const std::string& target, const std::string& binary) {
  const auto under = [](const std::string& path, const std::string& dir) {
    return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
           path[dir.size()] == '/';
  };
  return target == binary || under(binary, target) || under(target, binary);
}

}  // namespace

/// A config target that would replace the pinned binary is refused: the file that runs must
/// be the one whose digest the manifest pins.
bool check_config_targets(FieldReader& r, const YAML::Node& spec, const Service& service) {
  const ReleaseSpec* release = service.release();
  if (release == nullptr) return true;
  bool ok = true;
  for (size_t i = 0; i < service.config.size(); ++i) {
    if (!shadows(service.config[i].target, release->binary.path)) continue;
    r.error(spec["config"][i]["target"],
            "spec.config[" + std::to_string(i) + "].target",
            "\"" + service.config[i].target + "\" would replace the pinned binary " +
                release->binary.path +
                " (spec.release.binary.path); choose a target beside it, e.g. etc/...");
    ok = false;
  }
  return ok;
}

}  // namespace tether
