// Issue #18: state repo commits that tried to exhaust the parser or the tree reader, crash the
// JSON output with bytes that are not UTF-8, or put unpinned content in the binary's place.
// Each is refused before anything is applied, naming the file, field or limit.
#include "git_bombs.hpp"
#include "hostile_fixture.hpp"

namespace tether::test {

namespace fs = std::filesystem;

namespace {

const std::string k_manifest = "services/hello.yaml";
const std::string k_other_host = "hosts/other-host.yaml";

/// A Host file whose anchors each list ten aliases of the one before: 10^11 nodes once
/// expanded, from 692 bytes (the size of the one that held an agent for minutes).
std::string alias_bomb() {
  std::string text =
      "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: other-host}\nspec:\n"
      "  labels: {zone: b}\nx:\n  a0: &a0 [x,x,x,x,x,x,x,x,x,x]\n";
  for (int i = 1; i <= 11; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "  a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j == 0 ? "" : ",") + prev;
    text += "]\n";
  }
  return text;
}

/// `tether validate --format json` of the work clone's HEAD.
CommandResult validate_json(const fs::path& work) {
  return run_command({TETHER_BIN, "validate", "--repo", work.string(), "--format", "json"});
}

/// A tether subcommand must end with an answer, never abort (134) on the bytes it reports.
void expect_json_answer(const CommandResult& run, const std::string& mentions) {
  EXPECT_NE(run.exit_code, 134) << run.err;
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const auto json = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_FALSE(json.is_discarded()) << run.out;
  EXPECT_NE(run.out.find(mentions), std::string::npos) << run.out;
}

}  // namespace

std::vector<HostileCase> HostileTest::bounds_cases() {
  const auto write = [this](const std::string& file, const std::string& text) {
    return [this, file, text] { m_repo->write(file, text); };
  };
  const auto edit = [this](const std::string& from, const std::string& to) {
    return [this, from, to] {
      std::string text = read_text(m_repo->work() / k_manifest);
      text.replace(text.find(from), from.size(), to);
      m_repo->write(k_manifest, text);
    };
  };
  const auto with_env = [edit](const std::string& env) {
    return edit("      stopTimeout:", "      env: " + env + "\n      stopTimeout:");
  };
  // A tree grafted at config/<name> by git plumbing: the clone stays small.
  const auto tree = [this](const std::string& name, std::function<std::string()> make) {
    return [this, name, make] {
      const std::string work_dir = m_repo->work().string();
      if (!run_ok({"git", "-C", work_dir, "status", "--porcelain"}).empty()) {
        m_repo->commit("reset before " + name);
      }
      push_config_tree(m_repo->work(), name, make());
    };
  };
  const std::string work = m_repo->work().string();
  const std::string host =
      "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: e2e-host}\n"
      "spec:\n  labels: {zone: \"eu-\xfe\"}\n";
  return {
      {"YAML alias bomb in another host's file (#18.4)",
       write(k_other_host, alias_bomb()),
       {k_other_host + ":10", "aliases expand this document to more than 10000 nodes"},
       [this] {
         // validate refuses it as fast, with the same words, in its JSON too.
         expect_json_answer(validate_json(m_repo->work()), "aliases expand");
       }},
      {"YAML alias cycle",
       write(k_other_host,
             "apiVersion: tether.dev/v1\nkind: Host\nmetadata: {name: other-host}\n"
             "spec: &s {labels: {zone: b}, x: [*s]}\n"),
       {k_other_host, "cycle"}},
      {"non-UTF-8 env value (#18.5)",
       with_env("{GREETING: \"hi\xff\"}"),
       {k_manifest, "spec.run.exec.env.GREETING", "not valid UTF-8"}},
      {"non-UTF-8 YAML key",
       with_env("{\"\xc3\x28\": \"1\"}"),
       {k_manifest, "the key is not valid UTF-8"},
       [this] { expect_json_answer(validate_json(m_repo->work()), "not valid UTF-8"); }},
      {"non-UTF-8 host label",
       write("hosts/e2e-host.yaml", host),
       {"hosts/e2e-host.yaml", "spec.labels.zone", "not valid UTF-8"},
       [this, work] {
         const CommandResult plan = run_command({TETHER_BIN,
                                                 "plan",
                                                 "--repo",
                                                 work,
                                                 "--from",
                                                 "HEAD~1",
                                                 "--to",
                                                 "HEAD",
                                                 "--format",
                                                 "json"});
         EXPECT_NE(plan.exit_code, 134) << plan.err;
         EXPECT_NE((plan.out + plan.err).find("not valid UTF-8"), std::string::npos)
             << plan.out << plan.err;
       }},
      {"config target replacing the pinned binary (#18.3)",
       edit("target: etc/hello.conf", "target: bin/hello"),
       {k_manifest, "spec.config[0].target", "would replace the pinned binary bin/hello"}},
      {"config target replacing the binary's dir",
       edit("target: etc/hello.conf", "target: bin"),
       {k_manifest, "spec.config[0].target", "pinned binary"}},
      {"symlinked config source",
       [this] {
         fs::remove(m_repo->work() / "config/hello/hello.conf");
         fs::create_symlink("/etc/shadow", m_repo->work() / "config/hello/hello.conf");
       },
       {"config/hello/hello.conf", "is a symlink in the state repo"}},
      {"unpack limit out of range",
       edit("    binary:", "    limits: {maxFiles: 0}\n    binary:"),
       {k_manifest, "spec.release.limits.maxFiles"}},
      {"one 7 MiB blob named 400 times (#18.6, 64 MiB total cap)",
       tree("many", [work] { return repeated_blob_tree(work, 400, 7 * 1024 * 1024); }),
       {"add up to more than 64 MiB", "config/many/f"}},
      {"tree fan-out, 10^8 files from 8 trees (entry cap)",
       tree("fan", [work] { return fan_out_tree(work, 10, 8); }),
       {"more than 20000 files and dirs", "config/fan/"}},
      {"tree nested 20 dirs deep (depth cap)",
       tree("deep", [work] { return fan_out_tree(work, 1, 20); }),
       {"nested more than 16 dirs deep", "config/deep/n0/"}},
  };
}

}  // namespace tether::test
