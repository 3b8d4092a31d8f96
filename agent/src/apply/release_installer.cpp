#include "apply/release_installer.hpp"

#include "apply/archive_unpacker.hpp"
#include "apply/artifact_fetcher.hpp"
#include "core/fault_point.hpp"
#include "core/files.hpp"
#include "core/sha256.hpp"
#include "live/release_record.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tether {
namespace {

/// Removes half-built dirs left by an earlier run that died mid-install.
void remove_leftovers(const fs::path& releases) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(releases, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".tmp-", 0) == 0 || name.rfind(".old-", 0) == 0)
      fs::remove_all(entry.path(), ec);
  }
}

Status verify_binary(const fs::path& dir, const BinaryCheck& binary) {
  const fs::path path = dir / binary.path;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Error{"the artifact has no regular file at " + binary.path,
                 "fix spec.release.binary.path or the artifact"};
  }
  auto digest = Sha256::of_file(path);
  if (!digest) return digest.error();
  if (*digest != binary.sha256) {
    return Error{"binary " + binary.path + " has sha256 " + *digest +
                     ", but the manifest declares " + binary.sha256,
                 "the release was not installed; fix spec.release.binary.sha256 or the artifact"};
  }
  return ok_status();
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
  record.state_commit = state_commit;
  record.installed_at = now_rfc3339();
  record.run = desired.service.run;
  record.health = desired.service.health;
  return record;
}

Status build_release(const fs::path& temp,
                     const DesiredService& desired,
                     const fs::path& artifact,
                     const std::string& state_commit) {
  const ReleaseSpec& spec = *desired.service.release();
  if (Status unpacked = unpack_archive(artifact, temp); !unpacked) return unpacked;
  if (Status verified = verify_binary(temp, spec.binary); !verified) return verified;
  for (const auto& [target, content] : desired.config_files) {
    if (Status placed = place_file_no_follow(temp, target, content); !placed) return placed;
  }
  if (Status made = make_dirs(temp / ".tether"); !made) return made;
  return write_file_synced(temp / k_release_record,
                           to_json_text(make_record(desired, state_commit)));
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

Status place_file_no_follow(const fs::path& dir,
                            const std::string& relative,
                            const std::string& content) {
  fs::path current = dir;
  const fs::path rel(relative);
  for (auto it = rel.begin(); it != rel.end(); ++it) {
    current /= *it;
    struct stat st {};
    const bool last = std::next(it) == rel.end();
    if (::lstat(current.c_str(), &st) == 0) {
      if (S_ISLNK(st.st_mode)) {
        return Error{"config target " + relative + " passes through a symlink in the artifact",
                     "choose another spec.config target or remove the link from the artifact"};
      }
      if (!last && !S_ISDIR(st.st_mode)) {
        return Error{"config target " + relative + ": " + current.string() + " is not a directory",
                     ""};
      }
    } else if (!last && ::mkdir(current.c_str(), 0755) != 0) {
      return Error{"cannot create " + current.string() + ": " + errno_text(), ""};
    }
  }
  return write_file_synced(current, content, 0644);
}

Status install_release(const Layout& layout,
                       const DesiredService& desired,
                       const std::string& state_commit) {
  const ReleaseSpec* spec = desired.service.release();
  if (spec == nullptr) return Error{"not a binary release", ""};
  const std::string& name = desired.service.name;
  const fs::path releases = layout.releases_dir(name);
  if (Status made = make_dirs(releases); !made) return made;
  remove_leftovers(releases);

  auto artifact = fetch_artifact(spec->artifact, layout.artifact_cache());
  if (!artifact) return artifact.error();
  fault::point("after-download");

  const std::string dir_name = desired.release.dir_name();
  const fs::path temp = releases / (".tmp-" + dir_name);
  std::error_code ec;
  fs::create_directory(temp, ec);
  if (ec)
    return Error{"cannot create " + temp.string() + ": " + ec.message(),
                 "check free disk space and permissions"};
  Status built = build_release(temp, desired, *artifact, state_commit);
  if (built) {
    // Unpacked files were written without fsync; flush the whole filesystem once before the
    // rename makes the release visible, so the dir is never complete-looking but empty.
    const int fd = ::open(temp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::syncfs(fd) != 0)
      built = Error{"cannot sync " + temp.string() + ": " + errno_text(), ""};
    if (fd >= 0) ::close(fd);
  }
  if (!built) {
    fs::remove_all(temp, ec);
    // The cache names the file by digest only: say which artifact it came from.
    return built.error().with_context("artifact " + spec->artifact.url);
  }
  return rename_into_place(temp, layout.release_dir(name, dir_name));
}

}  // namespace tether
