#include "apply/release_installer.hpp"

#include "apply/age_decryptor.hpp"
#include "apply/archive_unpacker.hpp"
#include "apply/artifact_fetcher.hpp"
#include "apply/artifact_tree.hpp"
#include "apply/confined_dir.hpp"
#include "apply/shared_paths.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "live/release_record.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <set>
#include <unistd.h>
#include <vector>

namespace tether {
namespace {

/// Removes half-built dirs left by an earlier run that died mid-install.
void remove_leftovers(const fs::path& releases) {
  std::error_code ec;
  std::vector<fs::path> leftovers;
  for (fs::directory_iterator it(releases, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(".tmp-", 0) == 0 || name.rfind(".old-", 0) == 0) leftovers.push_back(it->path());
  }
  for (const fs::path& path : leftovers) fs::remove_all(path, ec);
}

/// SHA-256 of what `fd` reads from its start to its end.
Result<std::string> digest_of(int fd, const std::string& what) {
  Sha256 sha;
  std::array<char, 64 * 1024> buffer{};
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error{"cannot read " + what + ": " + errno_text(), ""};
    if (n == 0) return sha.hex();
    sha.update(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
}

/// Checks the binary through the release dir's descriptor, refusing symlinks on the way: the
/// file checked is the file that runs. It is hashed unless it is still, by its stamp, the file
/// the copy from an installed release wrote and hashed (`copied`). Its digest and stamp go to
/// `verified`, for the probe's hash cache.
Status verify_binary(const ConfinedDir& dir,
                     const BinaryCheck& binary,
                     const CopiedFiles& copied,
                     VouchedDigest& verified) {
  auto fd = dir.open_file(binary.path);
  if (!fd) {
    return Error{
        "the artifact has no regular file at " + binary.path + " (" + fd.error().message + ")",
        "fix spec.release.binary.path or the artifact"};
  }
  const std::optional<FileStamp> before = stamp_of_fd(fd->get());
  const auto written = copied.find(binary.path);
  const bool as_copied = before && written != copied.end() && written->second.identity == *before;
  const Result<std::string> digest =
      as_copied ? Result<std::string>(written->second.sha256) : digest_of(fd->get(), binary.path);
  if (!digest) return digest.error();
  if (*digest != binary.sha256) {
    return Error{"binary " + binary.path + " has sha256 " + *digest +
                     ", but the manifest declares " + binary.sha256,
                 "the release was not installed; fix spec.release.binary.sha256 or the artifact"};
  }
  // Vouched for only when nothing changed the file while it was read.
  if (before && stamp_of_fd(fd->get()) == before) verified = VouchedDigest{"", *before, *digest};
  return ok_status();
}

std::set<std::string> secret_targets_of(const DesiredService& desired) {
  std::set<std::string> targets;
  for (const ConfigFile& file : desired.service.config) {
    if (file.encryption != ConfigEncryption::none) targets.insert(file.target);
  }
  return targets;
}

std::string source_of(const DesiredService& desired, const std::string& target) {
  for (const ConfigFile& file : desired.service.config) {
    if (file.target == target) return file.source;
  }
  return target;
}

/// Decrypts `ciphertext` into `target`, 0600. The ciphertext goes through a private file in the
/// release being built (never /tmp: nothing of a secret's leaves this dir), removed at once;
/// the plaintext only through age's stdout pipe, memory, and the target.
Status place_secret(const ConfinedDir& dir,
                    const std::string& target,
                    const std::string& ciphertext,
                    const DesiredService& desired,
                    const SecretSettings& secrets) {
  const std::string input = ".tether/age-input";
  if (Status written = dir.write_file(input, ciphertext, 0600); !written) return written;
  ProcessRunner runner;
  auto plaintext = decrypt_age_file(
      runner, secrets.age_identity_file, dir.path() / input, source_of(desired, target));
  std::error_code ec;
  fs::remove(dir.path() / input, ec);
  if (!plaintext) return plaintext.error();
  const Status placed = dir.write_file(target, *plaintext, 0600);
  ::explicit_bzero(plaintext->data(), plaintext->size());
  return placed;
}

ReleaseRecord make_record(const DesiredService& desired, const std::string& state_commit) {
  const ReleaseSpec& spec = *desired.service.release();
  ReleaseRecord record;
  record.service = desired.service.name;
  record.id = desired.release;
  record.binary_path = spec.binary.path;
  record.artifact_url = spec.artifact.url;
  record.artifact_sha256 = spec.artifact.sha256;
  for (const auto& [target, content] : desired.config_files) {
    record.config_digests.emplace(target, Sha256::of(content));
  }
  record.secret_targets = secret_targets_of(desired);
  record.state_commit = state_commit;
  record.installed_at = now_rfc3339();
  record.run = desired.service.run;
  record.health = desired.service.health;
  record.shared = desired.service.shared;
  return record;
}

/// An installed release of the service (`releases`) unpacked from the artifact of digest
/// `artifact_sha256`, whatever its settings; nullopt when there is none.
std::optional<std::string> release_of_artifact(const fs::path& releases,
                                               const std::string& artifact_sha256) {
  std::error_code ec;
  for (fs::directory_iterator it(releases, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;  // half-built or being removed
    const auto record = read_release_record(it->path());
    if (record && record->artifact_sha256 == artifact_sha256) return name;
  }
  return std::nullopt;
}

/// Fills `dir` with the artifact's files copied from an installed release of the same
/// artifact, each checked against the tree recorded when it was unpacked (issue #22: a
/// config-only change unpacks nothing). Returns that release's dir name, or why it cannot.
Result<std::string> copy_from_installed(const Layout& layout,
                                        const fs::path& releases,
                                        const ReleaseSpec& spec,
                                        const ConfinedDir& dir,
                                        CopiedFiles& copied) {
  const auto tree = load_artifact_tree(layout, spec.artifact.sha256);
  if (!tree) return Error{"no record of what the artifact unpacked to", ""};
  const auto source_name = release_of_artifact(releases, spec.artifact.sha256);
  if (!source_name) return Error{"no installed release of the artifact", ""};
  auto source = ConfinedDir::open(releases / *source_name);
  if (!source) return source.error();
  if (Status placed = copy_artifact_tree(*tree, *source, dir, spec.limits, &copied); !placed)
    return placed.error();
  return *source_name;
}

/// Fetches the artifact (or verifies the cached one), unpacks it into a fresh `temp_name`
/// under `releases` and records what it unpacked to, for the copies of later config-only
/// changes.
Result<ConfinedDir> unpack_artifact(const Layout& layout,
                                    const NetworkLimits& network,
                                    const ReleaseSpec& spec,
                                    const fs::path& releases,
                                    const std::string& temp_name) {
  auto artifact = fetch_artifact(spec.artifact, layout.artifact_cache(), network);
  if (!artifact) return artifact.error();
  fault::point("after-download");
  auto temp = ConfinedDir::create_fresh(releases, temp_name);
  if (!temp) return temp.error();
  if (Status unpacked = unpack_archive(*artifact, *temp, spec.limits); !unpacked) {
    std::error_code ec;
    fs::remove_all(temp->path(), ec);
    // The cache names the file by digest only: say which artifact it came from.
    return unpacked.error().with_context("artifact " + spec.artifact.url);
  }
  // Listed once per artifact (hashing every file), not at each service that runs it. Only a
  // cache: a host that cannot keep it unpacks again next time.
  if (load_artifact_tree(layout, spec.artifact.sha256)) return temp;
  auto tree = list_artifact_tree(*temp);
  Status kept = ok_status();
  if (tree) kept = save_artifact_tree(layout, spec.artifact.sha256, *tree);
  const std::string why = tree ? (kept ? "" : kept.error().message) : tree.error().message;
  if (!why.empty()) log_debug("cannot record what the artifact unpacked to", {{"error", why}});
  return temp;
}

/// A fresh, private dir `temp_name` under `releases` (nothing an earlier run or an artifact
/// left can be in it or stand in for it) holding the artifact's files: copied from an
/// installed release of the same artifact when one checks out, else unpacked.
Result<ConfinedDir> place_artifact(const Layout& layout,
                                   const NetworkLimits& network,
                                   const DesiredService& desired,
                                   const fs::path& releases,
                                   const std::string& temp_name,
                                   CopiedFiles& written) {
  const ReleaseSpec& spec = *desired.service.release();
  auto temp = ConfinedDir::create_fresh(releases, temp_name);
  if (!temp) return temp.error();
  auto copied = copy_from_installed(layout, releases, spec, *temp, written);
  if (copied) {
    log_info("artifact copied from an installed release, not unpacked",
             {{"service", desired.service.name}, {"from", *copied}});
    return temp;
  }
  log_debug("unpacking the artifact",
            {{"service", desired.service.name}, {"why", copied.error().message}});
  // A copy that stopped half way leaves nothing behind, whether or not the unpack gets as far.
  std::error_code ec;
  fs::remove_all(temp->path(), ec);
  written.clear();
  return unpack_artifact(layout, network, spec, releases, temp_name);
}

Status build_release(const ConfinedDir& dir,
                     const DesiredService& desired,
                     const std::string& state_commit,
                     const SecretSettings& secrets,
                     const CopiedFiles& copied,
                     VouchedDigest& verified) {
  const ReleaseSpec& spec = *desired.service.release();
  if (Status made = dir.make_dirs(".tether"); !made) return made;
  const std::set<std::string> secret = secret_targets_of(desired);
  if (!secret.empty()) {
    if (Status usable = check_age_identity(secrets.age_identity_file); !usable) return usable;
  }
  // Config files and the record are written as new files (read-only, or private for decrypted
  // ones): an artifact's file or link of the same name is replaced, never written through.
  for (const auto& [target, content] : desired.config_files) {
    const Status placed = secret.count(target) != 0
                              ? place_secret(dir, target, content, desired, secrets)
                              : dir.write_file(target, content, 0444);
    if (!placed) {
      return Error{"config target " + target + ": " + placed.error().message,
                   placed.error().hint.empty()
                       ? "choose another spec.config target or change the artifact"
                       : placed.error().hint};
    }
  }
  if (Status linked = link_shared(dir, desired.service.shared); !linked) return linked;
  const std::string record = to_json_text(make_record(desired, state_commit));
  if (Status written = dir.write_file(k_release_record, record, 0444); !written) return written;
  // Last, after every write into the dir: the binary that runs is the one pinned.
  return verify_binary(dir, spec.binary, copied, verified);
}

/// Moves `temp` to `final_dir`; a damaged dir already there is moved aside first.
Status rename_into_place(const fs::path& temp, const fs::path& final_dir) {
  std::error_code ec;
  fs::path aside;
  if (fs::exists(final_dir, ec)) {
    aside = final_dir.parent_path() / (".old-" + final_dir.filename().string());
    fs::remove_all(aside, ec);
    fs::rename(final_dir, aside, ec);
    if (ec) return Error{"cannot move aside " + final_dir.string() + ": " + ec.message(), ""};
  }
  fault::point("before-release-rename");
  fs::rename(temp, final_dir, ec);
  if (ec)
    return Error{
        "cannot rename " + temp.string() + " to " + final_dir.string() + ": " + ec.message(), ""};
  if (Status synced = fsync_path(final_dir.parent_path()); !synced) return synced;
  if (!aside.empty()) fs::remove_all(aside, ec);
  return ok_status();
}

}  // namespace

Status install_release(const Layout& layout,
                       const NetworkLimits& network,
                       const DesiredService& desired,
                       const std::string& state_commit,
                       const SecretSettings& secrets,
                       VouchedDigest* verified) {
  const ReleaseSpec* spec = desired.service.release();
  if (spec == nullptr) return Error{"not a binary release", ""};
  const std::string& name = desired.service.name;
  const fs::path releases = layout.releases_dir(name);
  if (Status made = make_dirs(releases); !made) return made;
  remove_leftovers(releases);

  const std::string dir_name = desired.release.dir_name();
  CopiedFiles copied;
  auto temp = place_artifact(layout, network, desired, releases, ".tmp-" + dir_name, copied);
  if (!temp) return temp.error();
  VouchedDigest binary;
  Status built = build_release(*temp, desired, state_commit, secrets, copied, binary);
  // Unpacked or copied files were written without fsync; flush the whole filesystem once before the
  // rename makes the release visible, so the dir is never complete-looking but empty.
  if (built && ::syncfs(temp->fd()) != 0) {
    built = Error{"cannot sync " + temp->path().string() + ": " + errno_text(), ""};
  }
  if (built) built = temp->seal();
  std::error_code ec;
  if (!built) {
    fs::remove_all(temp->path(), ec);
    // The cache names the file by digest only: say which artifact it came from.
    return built.error().with_context("artifact " + spec->artifact.url);
  }
  const fs::path final_dir = layout.release_dir(name, dir_name);
  Status placed = rename_into_place(temp->path(), final_dir);
  // The rename moved the dir, not the file: its stamp (and the probe's path for it) holds.
  if (placed && verified != nullptr && !binary.sha256.empty()) {
    binary.path = final_dir / spec->binary.path;
    *verified = std::move(binary);
  }
  return placed;
}

}  // namespace tether
