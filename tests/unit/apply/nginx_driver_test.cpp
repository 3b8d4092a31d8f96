// The nginx driver against a real nginx (master and two workers, started by the test in its
// temp dir) and real files: a switch rewrites the upstream file and is confirmed by nginx's new
// workers; a configuration nginx refuses is a clear error and the file says the old port again;
// files that are not tether's and pid files that are not nginx's are refused before a byte is
// written.
#include "apply/nginx_master.hpp"
#include "apply/proxy_driver.hpp"
#include "command.hpp"
#include "nginx_proxy.hpp"
#include "temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

namespace tether::nginx_driver_test {
namespace {

using test::read_text;
using test::write_text;
using ::testing::HasSubstr;

class NginxDriverTest : public ::testing::Test {
 protected:
  NginxDriverTest() : m_nginx(m_tmp.path() / "nginx", test::free_port(), 18601) {
    // nginx writes its pid file before it forks its workers.
    EXPECT_TRUE(test::eventually([&] { return workers().size() == 2; }, std::chrono::seconds(5)))
        << m_nginx.error_log();
  }

  std::unique_ptr<ProxyDriver> driver(const std::string& upstream, const std::string& pid) const {
    return make_nginx_driver(NginxTarget{upstream, pid}, Millis(1500));
  }
  std::unique_ptr<ProxyDriver> driver() const {
    return driver(m_nginx.upstream_file().string(), m_nginx.pid_file().string());
  }
  std::set<ProcessIdentity> workers() const {
    auto master = NginxMaster::find(m_nginx.pid_file().string());
    EXPECT_TRUE(master) << master.error().describe();
    auto found = master->workers();
    EXPECT_TRUE(found) << found.error().describe();
    return *found;
  }

  test::TempDir m_tmp;
  test::NginxProxy m_nginx;
};

TEST_F(NginxDriverTest, MovesTrafficByRewritingTheFileAndReloadingNginxGracefully) {
  auto port = driver()->traffic_port();
  ASSERT_TRUE(port) << port.error().describe();
  EXPECT_EQ(*port, 18601);
  const auto before = workers();
  ASSERT_EQ(before.size(), 2u) << m_nginx.error_log();

  const Status moved = driver()->send_traffic_to(18602);
  ASSERT_TRUE(moved) << moved.error().describe() << m_nginx.error_log();
  EXPECT_EQ(read_text(m_nginx.upstream_file()), nginx_upstream_text(18602));
  EXPECT_EQ(*driver()->traffic_port(), 18602);
  const auto after = workers();
  EXPECT_EQ(after.size(), 2u);
  for (const ProcessIdentity& worker : after)
    EXPECT_FALSE(before.contains(worker)) << "new connections go to the new workers only";
  EXPECT_THAT(m_nginx.error_log(), HasSubstr("reconfiguring"));
  EXPECT_THAT(test::names_in(m_nginx.upstream_file().parent_path()),
              ::testing::Not(::testing::Contains(".upstream.conf.tether-tmp")));
}

TEST_F(NginxDriverTest, AConfigurationNginxRefusesIsAClearErrorAndTheOldPortStays) {
  const auto before = workers();
  m_nginx.break_config(true);
  const Status moved = driver()->send_traffic_to(18602);
  ASSERT_FALSE(moved);
  EXPECT_THAT(moved.error().message, HasSubstr("kept its old workers"));
  EXPECT_THAT(moved.error().message, HasSubstr("refused the new configuration"));
  EXPECT_THAT(moved.error().message, HasSubstr("traffic stays on port 18601"));
  EXPECT_THAT(moved.error().hint, HasSubstr("nginx -t"));
  EXPECT_EQ(*driver()->traffic_port(), 18601) << "the file says what nginx runs";
  EXPECT_EQ(workers(), before);
  EXPECT_THAT(m_nginx.error_log(), HasSubstr("this_is_not_a_directive"));

  m_nginx.break_config(false);
  ASSERT_TRUE(driver()->send_traffic_to(18602));
  EXPECT_EQ(*driver()->traffic_port(), 18602);
}

TEST_F(NginxDriverTest, RewritesOnlyATetherUpstreamFile) {
  const std::string passwd = "root:x:0:0:root:/root:/bin/bash\n";
  write_text(m_tmp / "passwd", passwd);
  write_text(m_tmp / "other.conf", "server 127.0.0.1:9000;\n");
  std::filesystem::create_symlink(m_nginx.upstream_file(), m_tmp / "link.conf");
  std::filesystem::create_directories(m_tmp / "dir.conf");
  const std::string pid = m_nginx.pid_file().string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {(m_tmp / "passwd").string(), "not a tether upstream file"},
      {(m_tmp / "other.conf").string(), "no '# managed by tether' line"},
      {(m_tmp / "link.conf").string(), "is a symbolic link"},
      {(m_tmp / "dir.conf").string(), "not a regular file"},
      {(m_tmp / "missing.conf").string(), "No such file"},
  };
  for (const auto& [path, why] : cases) {
    const Status moved = driver(path, pid)->send_traffic_to(18602);
    ASSERT_FALSE(moved) << path;
    EXPECT_THAT(moved.error().message, HasSubstr("nginx upstream file " + path)) << path;
    EXPECT_THAT(moved.error().message, HasSubstr(why)) << path;
  }
  EXPECT_EQ(read_text(m_tmp / "passwd"), passwd);
  EXPECT_EQ(read_text(m_tmp / "other.conf"), "server 127.0.0.1:9000;\n");
  EXPECT_EQ(*driver()->traffic_port(), 18601) << "not written through the link";
  EXPECT_FALSE(std::filesystem::exists(m_tmp / "missing.conf"));
}

TEST_F(NginxDriverTest, SignalsOnlyAnNginxMasterAndWritesNothingOtherwise) {
  write_text(m_tmp / "self.pid", std::to_string(::getpid()) + "\n");
  write_text(m_tmp / "garbage.pid", "root:x:0:0\n");
  const pid_t worker = workers().begin()->first;
  write_text(m_tmp / "worker.pid", std::to_string(worker));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"self.pid", "is not an nginx master process"},
      {"worker.pid", "is not an nginx master process"},
      {"garbage.pid", "does not hold a process id"},
      {"missing.pid", "No such file"},
  };
  const std::string upstream = m_nginx.upstream_file().string();
  for (const auto& [name, why] : cases) {
    const std::string pid_file = (m_tmp / name).string();
    const Status moved = driver(upstream, pid_file)->send_traffic_to(18602);
    ASSERT_FALSE(moved) << name;
    EXPECT_THAT(moved.error().message, HasSubstr("nginx pid file " + pid_file)) << name;
    EXPECT_THAT(moved.error().message, HasSubstr(why)) << name;
    EXPECT_THAT(moved.error().message, ::testing::Not(HasSubstr("root:x"))) << "no echo";
  }
  EXPECT_EQ(*driver()->traffic_port(), 18601);
}

}  // namespace
}  // namespace tether::nginx_driver_test
