#include "git_bombs.hpp"

#include "command.hpp"
#include "temp_dir.hpp"

#include <sstream>

namespace tether::test {
namespace {

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string git_in(const std::filesystem::path& work, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"git", "-C", work.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_ok(argv);
}

/// `git mktree` over `listing` (one "<mode> <type> <sha>\t<name>" line per entry).
std::string make_tree(const std::filesystem::path& work, const std::string& listing) {
  const std::filesystem::path input = work / ".git" / "mktree-input";
  write_text(input, listing);
  return first_line(run_ok({"sh", "-c", "git mktree < \"$1\"", "mktree", input.string()}, work));
}

std::string make_blob(const std::filesystem::path& work, const std::string& content) {
  const std::filesystem::path file = work / ".git" / "blob-input";
  write_text(file, content);
  return first_line(git_in(work, {"hash-object", "-w", file.string()}));
}

/// `listing` (ls-tree output) with the entry `name` replaced by (or added as) `line`.
std::string with_entry(const std::string& listing,
                       const std::string& name,
                       const std::string& line) {
  std::istringstream in(listing);
  std::string out;
  for (std::string entry; std::getline(in, entry);) {
    if (entry.substr(entry.find('\t') + 1) != name) out += entry + "\n";
  }
  return out + line + "\n";
}

}  // namespace

std::string repeated_blob_tree(const std::filesystem::path& work, int count, size_t blob_bytes) {
  const std::string blob = make_blob(work, std::string(blob_bytes, 'x'));
  std::string listing;
  for (int i = 0; i < count; ++i)
    listing += "100644 blob " + blob + "\tf" + std::to_string(i) + "\n";
  return make_tree(work, listing);
}

std::string fan_out_tree(const std::filesystem::path& work, int width, int depth) {
  std::string entry = "100644 blob " + make_blob(work, "leaf\n");
  std::string tree;
  for (int level = 0; level < depth; ++level) {
    std::string listing;
    for (int i = 0; i < width; ++i) listing += entry + "\tn" + std::to_string(i) + "\n";
    tree = make_tree(work, listing);
    entry = "040000 tree " + tree;
  }
  return tree;
}

std::string push_config_tree(const std::filesystem::path& work,
                             const std::string& name,
                             const std::string& tree) {
  const std::string config = make_tree(
      work,
      with_entry(
          git_in(work, {"ls-tree", "HEAD:config"}), name, "040000 tree " + tree + "\t" + name));
  const std::string root = make_tree(
      work,
      with_entry(
          git_in(work, {"ls-tree", "HEAD"}), "config", "040000 tree " + config + "\tconfig"));
  const std::string bomb =
      first_line(git_in(work, {"commit-tree", root, "-p", "HEAD", "-m", "config/" + name}));
  git_in(work, {"push", "-q", "origin", bomb + ":refs/heads/main"});
  const std::string after = first_line(
      git_in(work, {"commit-tree", "HEAD^{tree}", "-p", bomb, "-m", "without config/" + name}));
  git_in(work, {"reset", "-q", "--soft", after});
  return bomb;
}

}  // namespace tether::test
