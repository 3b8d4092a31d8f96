#include "apply/artifact_tree.hpp"

#include "core/files.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <thread>

namespace tether {
namespace {

const char* kind_name(ArtifactEntry::Kind kind) {
  switch (kind) {
    case ArtifactEntry::Kind::dir:
      return "dir";
    case ArtifactEntry::Kind::symlink:
      return "symlink";
    case ArtifactEntry::Kind::file:
      break;
  }
  return "file";
}

std::optional<ArtifactEntry::Kind> kind_named(const std::string& name) {
  if (name == "dir") return ArtifactEntry::Kind::dir;
  if (name == "file") return ArtifactEntry::Kind::file;
  if (name == "symlink") return ArtifactEntry::Kind::symlink;
  return std::nullopt;
}

/// Beside the artifact cache, and like it disposable.
fs::path trees_dir(const Layout& layout) { return layout.root / "cache" / "artifact-trees"; }

fs::path tree_file(const Layout& layout, const std::string& artifact_sha256) {
  return trees_dir(layout) / (artifact_sha256 + ".json");
}

}  // namespace

long long ArtifactTree::bytes() const {
  long long total = 0;
  for (const ArtifactEntry& entry : entries) total += entry.size;
  return total;
}

std::string to_json_text(const ArtifactTree& tree) {
  nlohmann::json entries = nlohmann::json::array();
  for (const ArtifactEntry& entry : tree.entries) {
    nlohmann::json item{{"path", entry.path}, {"kind", kind_name(entry.kind)}};
    if (entry.kind == ArtifactEntry::Kind::file) {
      item["mode"] = entry.mode;
      item["size"] = entry.size;
      item["sha256"] = entry.sha256;
    }
    if (entry.kind == ArtifactEntry::Kind::symlink) item["target"] = entry.target;
    entries.push_back(std::move(item));
  }
  return nlohmann::json{{"version", 1}, {"entries", std::move(entries)}}.dump() + "\n";
}

Result<ArtifactTree> artifact_tree_from_json(const std::string& text) {
  try {
    const nlohmann::json json = nlohmann::json::parse(text);
    if (json.at("version").get<int>() != 1) return Error{"unknown artifact tree version", ""};
    ArtifactTree tree;
    for (const nlohmann::json& item : json.at("entries")) {
      ArtifactEntry entry;
      entry.path = item.at("path").get<std::string>();
      const auto kind = kind_named(item.at("kind").get<std::string>());
      if (!kind) return Error{"unknown entry kind in an artifact tree", ""};
      entry.kind = *kind;
      if (entry.kind == ArtifactEntry::Kind::file) {
        entry.mode = item.at("mode").get<unsigned>();
        entry.size = item.at("size").get<long long>();
        entry.sha256 = item.at("sha256").get<std::string>();
      }
      if (entry.kind == ArtifactEntry::Kind::symlink)
        entry.target = item.at("target").get<std::string>();
      tree.entries.push_back(std::move(entry));
    }
    return tree;
  } catch (const nlohmann::json::exception& e) {
    return Error{std::string("unreadable artifact tree: ") + e.what(), ""};
  }
}

std::optional<ArtifactTree> load_artifact_tree(const Layout& layout,
                                               const std::string& artifact_sha256) {
  auto text = read_file(tree_file(layout, artifact_sha256));
  if (!text) return std::nullopt;
  auto tree = artifact_tree_from_json(*text);
  if (!tree) return std::nullopt;
  return std::move(*tree);
}

Status save_artifact_tree(const Layout& layout,
                          const std::string& artifact_sha256,
                          const ArtifactTree& tree) {
  if (Status made = make_dirs(trees_dir(layout)); !made) return made;
  // Services of one artifact installed at once (apply.parallel) write the same record: each
  // through a name of its own thread, so that no two writes share a file before the rename.
  const fs::path path = tree_file(layout, artifact_sha256);
  fs::path temp = path;
  temp += ".tmp." + std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  // Written once per artifact; the dir is not synced: a record lost in a power cut (only a
  // cache) means one more unpack.
  if (Status written = write_file_synced(temp, to_json_text(tree)); !written) return written;
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(temp, ec);
    return Error{"cannot rename " + temp.string() + ": " + reason, ""};
  }
  return ok_status();
}

}  // namespace tether
