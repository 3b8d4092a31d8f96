// What people see on a terminal, through a real pseudo-terminal (util-linux `script`): a
// download progress bar and coloured tables on a TTY; no bar, no escapes when piped or with
// NO_COLOR, and periodic log lines instead of the bar.
#include "agent_fixture.hpp"
#include "http_server.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tether::test {
namespace {

namespace fs = std::filesystem;

/// `argv` quoted for sh -c.
std::string shell_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    line += (line.empty() ? "" : " ") + quoted + "'";
  }
  return line;
}

/// Runs argv with stdin, stdout and stderr on a new pseudo-terminal; returns what it wrote.
CommandResult on_terminal(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {}) {
  std::map<std::string, std::string> full_env = {{"TERM", "xterm"}};
  for (const auto& [key, value] : env) full_env[key] = value;
  return run_command(
      {"script", "-qfec", shell_line(argv), "/dev/null"}, {}, std::chrono::seconds(120), full_env);
}

class TerminalOutput : public AgentTest {
 protected:
  /// Commits hello `version` with its artifact served at about 1/2.5 of its size per second,
  /// so that the download takes about 2.5 s.
  void commit_slow_download(const std::string& version) {
    const HelloRelease& r = release(version);
    const std::string name = "/hello-" + version + ".tar.gz";
    const std::string body = read_text(r.artifact);
    m_http.add_slow(name, body, std::max<size_t>(body.size() * 2 / 5, 16 * 1024));
    std::string manifest = hello_manifest(r);
    const std::string file_url = "file://" + r.artifact.string();
    manifest.replace(manifest.find(file_url), file_url.size(), m_http.url(name));
    m_repo->write("config/hello/hello.conf", "port=" + std::to_string(m_port) + "\n");
    m_repo->write("services/hello.yaml", manifest);
    (void)m_repo->commit("hello " + version);
  }

  std::vector<std::string> run_argv() const {
    return {TETHER_BIN,
            "run",
            "--once",
            "--repo",
            repo_url(),
            "--root",
            m_root.string(),
            "--host-id",
            "e2e-host"};
  }

  HttpFileServer m_http;
};

TEST_F(TerminalOutput, DownloadShowsAProgressBarOnATerminal) {
  commit_slow_download("1.0.0");
  const CommandResult run = on_terminal(run_argv());
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_TRUE(contains(run.out, "\rhello-1.0.0.tar.gz  ")) << "a bar redrawn in place:\n"
                                                           << run.out;
  EXPECT_TRUE(contains(run.out, "ETA ")) << run.out;
  EXPECT_TRUE(contains(run.out, "MiB/s") || contains(run.out, "KiB/s")) << run.out;
  EXPECT_TRUE(contains(run.out, "100%  ")) << "the final bar shows the whole download\n" << run.out;
  EXPECT_TRUE(hello_eventually_says("hello 1.0.0\n"));
}

TEST_F(TerminalOutput, DownloadLogsProgressLinesAndNoBarWhenPiped) {
  commit_slow_download("1.0.0");
  const CommandResult run = tether({"run", "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_FALSE(contains(run.out + run.err, "\r")) << run.err;
  EXPECT_FALSE(contains(run.out + run.err, "[=")) << run.err;
  EXPECT_FALSE(contains(run.out + run.err, "\033[")) << run.err;
  EXPECT_TRUE(contains(run.err, "downloading hello-1.0.0.tar.gz: ")) << run.err;
  EXPECT_TRUE(contains(run.err, "downloaded hello-1.0.0.tar.gz: ")) << run.err;
}

TEST_F(TerminalOutput, TablesAreColouredOnlyOnATerminalWithoutNoColor) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const std::vector<std::string> status = {TETHER_BIN, "status", "--root", m_root.string()};
  const std::vector<std::string> history = {TETHER_BIN, "history", "--root", m_root.string()};

  const CommandResult coloured = on_terminal(status);
  ASSERT_EQ(coloured.exit_code, 0) << coloured.out;
  EXPECT_TRUE(contains(coloured.out, "\033[1mSERVICE\033[0m")) << coloured.out;
  EXPECT_TRUE(contains(coloured.out, "\033[32mrunning, pid ")) << coloured.out;
  EXPECT_TRUE(contains(on_terminal(history).out, "\033[32mok\033[0m"));

  for (const auto& argv : {status, history}) {
    const CommandResult plain = on_terminal(argv, {{"NO_COLOR", "1"}});
    EXPECT_FALSE(contains(plain.out, "\033[")) << plain.out;
    const CommandResult piped = run_command(argv);
    EXPECT_FALSE(contains(piped.out, "\033[")) << piped.out;
  }
  const CommandResult piped = run_command(status);
  EXPECT_TRUE(contains(piped.out, "SERVICE  LIVE")) << piped.out;
  EXPECT_TRUE(contains(piped.out, "hello    1.0.0 (")) << piped.out;
}

TEST_F(TerminalOutput, OutputJsonIsTheJsonOfBothCommands) {
  ASSERT_NO_FATAL_FAILURE(deploy("1.0.0"));
  const CommandResult status = tether({"status", "--output", "json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(nlohmann::json::parse(status.out)["services"][0]["current"]["version"], "1.0.0");
  EXPECT_EQ(status.out, tether({"status", "--json"}).out) << "--json stays an alias";
  const CommandResult history = tether({"history", "-o", "json"});
  EXPECT_EQ(nlohmann::json::parse(lines_of(history.out).at(0))["action"], "install");
  EXPECT_EQ(history.out, tether({"history", "--json"}).out);
}

}  // namespace
}  // namespace tether::test
