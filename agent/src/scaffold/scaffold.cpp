#include "scaffold/scaffold.hpp"

#include "scaffold/embedded_files.hpp"
#include "scaffold/scaffold_text.hpp"

namespace tether {
namespace {

// The yaml-language-server (VS Code's YAML extension, and the editors that embed it) reads this
// mapping; the modeline in the README's service template does the same for a single file.
constexpr const char* k_vscode_settings = R"({
  "yaml.schemas": {
    ".tether/schema/service.schema.json": "services/*.yaml",
    ".tether/schema/host.schema.json": "hosts/*.yaml"
  },
  "files.associations": {
    "services/*.yml": "yaml",
    "hosts/*.yml": "yaml"
  }
}
)";

std::string embedded(std::string_view name) {
  const auto content = embedded_file(name);
  return content ? std::string(*content) : std::string();
}

}  // namespace

std::optional<std::string_view> embedded_file(std::string_view name) {
  for (const EmbeddedFile& file : embedded_files()) {
    if (file.name == name) return file.content;
  }
  return std::nullopt;
}

std::vector<ScaffoldFile> state_repo_scaffold(CiKind ci, const std::string& branch) {
  std::vector<ScaffoldFile> files = {
      {"README.md", scaffold_text::readme(branch)},
      // Git keeps no empty directories; the agent and `tether validate` skip dotfiles.
      {"services/.gitkeep", ""},
      {"hosts/.gitkeep", ""},
      {"config/.gitkeep", ""},
      {".tether/schema/service.schema.json", embedded("schema/service.schema.json")},
      {".tether/schema/host.schema.json", embedded("schema/host.schema.json")},
      {".vscode/settings.json", k_vscode_settings},
  };
  if (ci == CiKind::github) {
    std::string workflow = embedded("ci/github-actions.yml");
    const std::string on_main = "branches: [main]";
    if (const size_t at = workflow.find(on_main); at != std::string::npos && branch != "main")
      workflow.replace(at, on_main.size(), "branches: [" + branch + "]");
    files.push_back({".github/workflows/tether.yml", workflow});
  } else if (ci == CiKind::gitlab) {
    files.push_back({".gitlab-ci.yml", embedded("ci/gitlab-ci.yml")});
  }
  return files;
}

bool parse_ci_kind(const std::string& text, CiKind& kind) {
  if (text == "github") kind = CiKind::github;
  if (text == "gitlab") kind = CiKind::gitlab;
  if (text == "none") kind = CiKind::none;
  return text == "github" || text == "gitlab" || text == "none";
}

}  // namespace tether
