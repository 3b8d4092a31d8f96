#include "apply/shared_paths.hpp"

#include "core/files.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tether {
namespace {

constexpr const char* k_hint_shared =
    "fix or remove it by hand in the service's shared/ dir (tether never deletes shared data)";

/// What the entry `name` in `dir` is, in words ("a symlink"); "" when there is none.
std::string kind_of(int dir, const std::string& name, struct stat& st) {
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return "";
  if (S_ISLNK(st.st_mode)) return "a symlink";
  if (S_ISDIR(st.st_mode)) return "a directory";
  if (S_ISREG(st.st_mode)) return "a file";
  return "a special file";
}

Status make_shared_dir(const ConfinedDir& shared, const std::string& path) {
  std::string name;
  auto parent = shared.open_parent(path, true, name);
  if (!parent) return Error{parent.error().message, k_hint_shared};
  if (::mkdirat(parent->get(), name.c_str(), 0750) == 0) {
    UniqueFd made(::openat(parent->get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    if (made.valid()) (void)::fchmod(made.get(), 0750);  // whatever the umask
    return ok_status();
  }
  if (errno != EEXIST) {
    return Error{(shared.path() / path).string() + ": cannot create: " + errno_text(), ""};
  }
  struct stat st {};
  const std::string kind = kind_of(parent->get(), name, st);
  if (kind == "a directory") return ok_status();
  return Error{
      (shared.path() / path).string() + " is " + kind + ", not a directory (spec.shared.dirs)",
      k_hint_shared};
}

Status make_shared_file(const ConfinedDir& shared, const std::string& path) {
  std::string name;
  auto parent = shared.open_parent(path, true, name);
  if (!parent) return Error{parent.error().message, k_hint_shared};
  UniqueFd made(::openat(
      parent->get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640));
  if (made.valid()) {
    (void)::fchmod(made.get(), 0640);
    return ok_status();
  }
  if (errno != EEXIST) {
    return Error{(shared.path() / path).string() + ": cannot create: " + errno_text(), ""};
  }
  struct stat st {};
  const std::string kind = kind_of(parent->get(), name, st);
  if (kind == "a file") return ok_status();
  return Error{
      (shared.path() / path).string() + " is " + kind + ", not a regular file (spec.shared.files)",
      k_hint_shared};
}

Status link_one(const ConfinedDir& release, const std::string& path) {
  std::string name;
  auto parent = release.open_parent(path, true, name);
  if (!parent) {
    return Error{"shared path " + path + ": " + parent.error().message,
                 "the artifact must not ship a symlink on the way to a spec.shared path"};
  }
  struct stat st {};
  const std::string kind = kind_of(parent->get(), name, st);
  // An empty dir is what a build leaves for data it expects to be there: it goes. Anything
  // else is content the artifact ships at a path the manifest says holds the service's data.
  const bool replaced =
      kind == "a directory" && ::unlinkat(parent->get(), name.c_str(), AT_REMOVEDIR) == 0;
  if (!kind.empty() && !replaced) {
    return Error{"the artifact has " + (kind == "a directory" ? "a non-empty directory" : kind) +
                     " at the shared path " + path +
                     "; tether links that path to the service's shared data and neither "
                     "overwrites nor discards what a release ships",
                 "remove " + path + " from the artifact, or from spec.shared"};
  }
  if (::symlinkat(shared_link_text(path).c_str(), parent->get(), name.c_str()) != 0) {
    return Error{"shared path " + path + ": cannot create the link: " + errno_text(), ""};
  }
  return ok_status();
}

}  // namespace

Status prepare_shared(const Layout& layout, const std::string& service, const SharedPaths& shared) {
  if (shared.empty()) return ok_status();
  const fs::path root = layout.shared_dir(service);
  if (Status made = make_dirs(layout.service_dir(service)); !made) return made;
  if (::mkdir(root.c_str(), 0750) != 0 && errno != EEXIST) {
    return Error{"cannot create " + root.string() + ": " + errno_text(), ""};
  }
  auto dir = ConfinedDir::open(root);
  if (!dir) {
    return Error{dir.error().message + " (the shared data dir must be a directory, not a symlink)",
                 "mount the disk for the data at " + root.string() + " instead of linking it"};
  }
  for (const std::string& path : shared.dirs) {
    if (Status made = make_shared_dir(*dir, path); !made) return made;
  }
  for (const std::string& path : shared.files) {
    if (Status made = make_shared_file(*dir, path); !made) return made;
  }
  return ok_status();
}

Status link_shared(const ConfinedDir& release, const SharedPaths& shared) {
  for (const auto* paths : {&shared.dirs, &shared.files}) {
    for (const std::string& path : *paths) {
      if (Status linked = link_one(release, path); !linked) return linked;
    }
  }
  return ok_status();
}

}  // namespace tether
