#include "manifest/shared_reader.hpp"

#include "manifest/field_checks.hpp"

namespace tether {
namespace {

constexpr size_t k_max_shared_paths = 64;

/// `a` and `b` name the same path, or one lies under the other.
bool overlaps(const std::string& a, const std::string& b) {
  const auto under = [](const std::string& path, const std::string& dir) {
    return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
           path[dir.size()] == '/';
  };
  return a == b || under(a, b) || under(b, a);
}

/// Where each shared path was declared, for errors: `spec.shared.dirs[1]`.
struct Entry {
  std::string path;
  std::string field;
  YAML::Node node;
};

std::vector<Entry> entries_of(const YAML::Node& node, const SharedPaths& shared) {
  std::vector<Entry> entries;
  const auto add = [&](const char* key, const std::vector<std::string>& paths) {
    for (size_t i = 0; i < paths.size(); ++i) {
      entries.push_back(Entry{paths[i],
                              std::string("spec.shared.") + key + "[" + std::to_string(i) + "]",
                              node[key][i]});
    }
  };
  add("dirs", shared.dirs);
  add("files", shared.files);
  return entries;
}

std::optional<std::vector<std::string>> read_paths(FieldReader& r,
                                                   const YAML::Node& node,
                                                   const std::string& path,
                                                   const char* key) {
  if (!node[key].IsDefined()) return std::vector<std::string>{};
  auto paths = r.string_list(node, path, key, Need::optional, false);
  if (!paths) return std::nullopt;
  const std::string field = join_path(path, key);
  if (paths->size() > k_max_shared_paths) {
    r.error(node[key], field, "at most " + std::to_string(k_max_shared_paths) + " paths");
    return std::nullopt;
  }
  bool ok = true;
  for (size_t i = 0; i < paths->size(); ++i) {
    const std::string& value = (*paths)[i];
    if (std::string expected = checks::config_target(value); !expected.empty()) {
      r.error(node[key][i],
              field + "[" + std::to_string(i) + "]",
              "expected " + expected + " inside the release dir, got \"" + value + "\"");
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return paths;
}

}  // namespace

std::optional<SharedPaths> read_shared(FieldReader& r,
                                       const YAML::Node& node,
                                       const std::string& path) {
  if (!r.expect_map(node, path)) return std::nullopt;
  r.reject_unknown_keys(node, path, {"dirs", "files"});
  auto dirs = read_paths(r, node, path, "dirs");
  auto files = read_paths(r, node, path, "files");
  if (!dirs || !files) return std::nullopt;
  SharedPaths shared{*dirs, *files};
  bool ok = true;
  const std::vector<Entry> entries = entries_of(node, shared);
  for (size_t i = 0; i < entries.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (!overlaps(entries[i].path, entries[j].path)) continue;
      r.error(entries[i].node,
              entries[i].field,
              "\"" + entries[i].path + "\" is the same as or nested with \"" + entries[j].path +
                  "\" (" + entries[j].field + "); list each shared path once, none inside another");
      ok = false;
      break;
    }
  }
  if (!ok) return std::nullopt;
  return shared;
}

bool check_shared_paths(FieldReader& r, const YAML::Node& spec, const Service& service) {
  if (service.shared.empty()) return true;
  const ReleaseSpec* release = service.release();
  if (release == nullptr) {
    r.error(spec["shared"],
            "spec.shared",
            "only for a binary release (spec.release); a container keeps its data in "
            "spec.container.volumes");
    return false;
  }
  bool ok = true;
  for (const Entry& entry : entries_of(spec["shared"], service.shared)) {
    std::string clash;
    if (overlaps(entry.path, release->binary.path)) {
      clash = "the pinned binary " + release->binary.path + " (spec.release.binary.path)";
    }
    for (size_t i = 0; clash.empty() && i < service.config.size(); ++i) {
      if (overlaps(entry.path, service.config[i].target)) {
        clash = "the config target " + service.config[i].target + " (spec.config[" +
                std::to_string(i) + "].target)";
      }
    }
    if (clash.empty()) continue;
    r.error(entry.node,
            entry.field,
            "\"" + entry.path + "\" overlaps " + clash +
                "; a shared path must be data of its own, beside what the release ships");
    ok = false;
  }
  return ok;
}

}  // namespace tether
