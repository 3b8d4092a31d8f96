// The nginx driver's pure pieces: the upstream file it writes and reads back (and refuses),
// /proc/PID/stat and cmdline as nginx's processes show them, and when a reload took.
#include "apply/nginx_upstream.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tether::nginx_upstream_test {
namespace {

using ::testing::HasSubstr;

TEST(NginxUpstreamText, IsTheMarkerAndOneServerLineThatReadsBack) {
  const std::string text = nginx_upstream_text(18502);
  EXPECT_EQ(text,
            "# managed by tether (spec.switch.blueGreen.nginx): rewritten at each switch\n"
            "server 127.0.0.1:18502;\n");
  auto port = parse_nginx_upstream(text, "/etc/nginx/web.conf");
  ASSERT_TRUE(port) << port.error().describe();
  EXPECT_EQ(*port, 18502);
}

TEST(NginxUpstreamText, AcceptsWhatAnOperatorWritesByHand) {
  auto port = parse_nginx_upstream(
      "\n  # managed by tether\n# web's blue-green upstream\n  server 127.0.0.1:8081;  \n\n", "f");
  ASSERT_TRUE(port) << port.error().describe();
  EXPECT_EQ(*port, 8081);
}

TEST(NginxUpstreamText, RefusesAnythingElseAndSaysWhy) {
  struct Case {
    std::string text;
    std::string why;
  };
  const std::vector<Case> cases = {
      {"server 127.0.0.1:8081;\n", "no '# managed by tether' line"},
      {"# managed by tether\n", "no 'server 127.0.0.1:PORT;' line"},
      {"root:x:0:0:root:/root:/bin/bash\n# managed by tether\n", "line 1 is neither"},
      {"# managed by tether\nserver 127.0.0.1:1;\nserver 127.0.0.1:2;\n", "line 3 is a second"},
      {"# managed by tether\nserver 10.0.0.1:8081;\n", "line 2 is neither"},
      {"# managed by tether\nserver 127.0.0.1:8081 backup;\n", "line 2 is neither"},
      {"# managed by tether\nserver 127.0.0.1:70000;\n", "line 2 is neither"},
      {"# managed by tether\nserver 127.0.0.1:;\n", "line 2 is neither"},
      {"# managed by tether\nserver 127.0.0.1:80; include /etc/x;\n", "line 2 is neither"},
  };
  for (const Case& c : cases) {
    auto port = parse_nginx_upstream(c.text, "/etc/nginx/web.conf");
    ASSERT_FALSE(port) << c.text;
    EXPECT_THAT(port.error().message, HasSubstr("/etc/nginx/web.conf: not a tether upstream file"));
    EXPECT_THAT(port.error().message, HasSubstr(c.why)) << c.text;
    EXPECT_THAT(port.error().hint, HasSubstr("docs/zero-downtime.md"));
  }
}

TEST(ProcStat, ReadsParentAndStartTimeEvenWithParenthesesInTheName) {
  const std::string tail =
      " S 4242 4242 4242 0 -1 4194368 100 0 0 0 1 2 0 0 20 0 1 0 987654 10000 200 "
      "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  auto stat = parse_proc_stat("4243 (nginx) " + tail.substr(1));
  ASSERT_TRUE(stat);
  EXPECT_EQ(stat->ppid, 4242);
  EXPECT_EQ(stat->start_time, 987654u);
  auto odd = parse_proc_stat("4244 (a) b) S (c)" + tail);
  ASSERT_TRUE(odd);
  EXPECT_EQ(odd->ppid, 4242);
  EXPECT_FALSE(parse_proc_stat("4243 (nginx) S 4242"));
  EXPECT_FALSE(parse_proc_stat(""));
}

TEST(NginxChildren, AreToldByTheTitleNginxGivesThem) {
  using std::string_literals::operator""s;
  EXPECT_EQ(classify_nginx_child("nginx: worker process\0\0\0"s), NginxChild::worker);
  EXPECT_EQ(classify_nginx_child("nginx: worker process                 "), NginxChild::worker);
  EXPECT_EQ(classify_nginx_child("nginx: worker process is shutting down\0"s),
            NginxChild::shutting_down);
  EXPECT_EQ(classify_nginx_child("nginx: cache manager process"), NginxChild::other);
  EXPECT_EQ(classify_nginx_child("/usr/bin/python3\0-m\0http.server\0"s), NginxChild::other);
  EXPECT_TRUE(is_nginx_master_cmdline("nginx: master process /usr/sbin/nginx -g daemon off;"));
  EXPECT_FALSE(is_nginx_master_cmdline("nginx: worker process"));
  EXPECT_FALSE(
      is_nginx_master_cmdline("/bin/sleep\0"
                              "100"));
}

TEST(NginxReloaded, WhenNewWorkersAloneTakeConnections) {
  const std::set<ProcessIdentity> before = {{100, 1}, {101, 1}};
  EXPECT_FALSE(nginx_reloaded(before, before)) << "a refused configuration keeps the old workers";
  EXPECT_FALSE(nginx_reloaded(before, {})) << "no worker at all is not a reload";
  EXPECT_FALSE(nginx_reloaded(before, {{100, 1}, {200, 9}})) << "an old worker still accepts";
  EXPECT_TRUE(nginx_reloaded(before, {{200, 9}, {201, 9}}));
  EXPECT_TRUE(nginx_reloaded(before, {{100, 9}})) << "a reused pid is a new process";
  EXPECT_TRUE(nginx_reloaded({}, {{200, 9}}));
}

}  // namespace
}  // namespace tether::nginx_upstream_test
