// The example systemd units in examples/systemd hold the settings their README promises, and
// systemd-analyze accepts them when it is installed.
#include "command.hpp"
#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

namespace tether::systemd_units_test {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path k_dir = std::filesystem::path(TETHER_SOURCE_DIR) / "examples/systemd";

/// KEY=VALUE settings of a unit file by "Section.Key" (the last one wins, as in systemd).
std::map<std::string, std::string> read_unit(const std::string& name) {
  std::map<std::string, std::string> settings;
  std::istringstream lines(test::read_text(k_dir / name));
  std::string section;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
    } else if (const size_t eq = line.find('='); eq != std::string::npos) {
      settings[section + "." + line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return settings;
}

TEST(SystemdUnits, TetherServiceRunsTheAgentSandboxed) {
  auto unit = read_unit("tether.service");
  ASSERT_FALSE(unit.empty()) << "missing " << (k_dir / "tether.service");
  EXPECT_EQ(unit["Service.ExecStart"], "/usr/bin/tether run --config /etc/tether/agent.yaml");
  EXPECT_EQ(unit["Service.Restart"], "always");
  EXPECT_EQ(unit["Service.KillMode"], "process") << "stopping tether must not kill services";
  EXPECT_EQ(unit["Service.ProtectSystem"], "strict");
  EXPECT_EQ(unit["Service.ReadWritePaths"], "/var/lib/tether");
  EXPECT_EQ(unit["Service.NoNewPrivileges"], "yes");
  EXPECT_EQ(unit["Service.PrivateTmp"], "yes");
  EXPECT_EQ(unit["Service.ProtectHome"], "yes");
  EXPECT_EQ(unit["Install.WantedBy"], "multi-user.target");
}

TEST(SystemdUnits, HelloServiceStartsThroughCurrent) {
  auto unit = read_unit("hello.service");
  ASSERT_FALSE(unit.empty()) << "missing " << (k_dir / "hello.service");
  EXPECT_EQ(unit["Service.WorkingDirectory"], "/var/lib/tether/services/hello/current");
  EXPECT_EQ(unit["Service.ExecStart"],
            "/var/lib/tether/services/hello/current/bin/hello --config etc/hello.conf");
  EXPECT_EQ(unit["Service.NoNewPrivileges"], "yes");
}

TEST(SystemdUnits, ReadmeExplainsInstallAndRunSystemd) {
  const std::string readme = test::read_text(k_dir / "README.md");
  EXPECT_THAT(readme, HasSubstr("systemctl daemon-reload"));
  EXPECT_THAT(readme, HasSubstr("systemd: hello.service"));
  EXPECT_THAT(readme, HasSubstr("KillMode=process"));
  EXPECT_THAT(readme, HasSubstr("ReadWritePaths=/var/lib/tether"));
}

/// The binary a unit's ExecStart runs (its first word).
std::string exec_binary(const std::string& unit_name) {
  const std::string exec = read_unit(unit_name)["Service.ExecStart"];
  return exec.substr(0, exec.find(' '));
}

/// True when `line` is systemd-analyze's complaint that a unit's ExecStart binary does not
/// exist, which is expected here: neither tether nor hello is installed on the build host.
bool missing_binary_line(const std::string& line) {
  for (const std::string unit : {"tether.service", "hello.service"}) {
    const std::string binary = exec_binary(unit);
    if (line == unit + ": Command " + binary + " is not executable: No such file or directory" &&
        !std::filesystem::exists(binary)) {
      return true;
    }
  }
  return false;
}

TEST(SystemdUnits, SystemdAnalyzeVerifyAcceptsThem) {
  if (!std::filesystem::exists("/usr/bin/systemd-analyze")) {
    GTEST_SKIP() << "systemd-analyze is not installed (Debian package systemd)";
  }
  const auto result = test::run_command({"/usr/bin/systemd-analyze",
                                         "verify",
                                         "--man=no",
                                         (k_dir / "tether.service").string(),
                                         (k_dir / "hello.service").string()});
  std::istringstream lines(result.out + result.err);
  int missing_binaries = 0;
  int problems = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    if (missing_binary_line(line)) {
      ++missing_binaries;
    } else {
      ADD_FAILURE() << "systemd-analyze verify: " << line;
      ++problems;
    }
  }
  // It exits 1 for a missing binary alone; any other failure must have said something.
  EXPECT_TRUE(result.exit_code == 0 || (missing_binaries > 0 && problems == 0))
      << "exit " << result.exit_code << "\n"
      << result.err;
}

}  // namespace
}  // namespace tether::systemd_units_test
