#include "review/declared_services.hpp"

#include "manifest/config_hash.hpp"

#include <gtest/gtest.h>

namespace tether::review::declared_services_test {
namespace {

std::string service_yaml(const std::string& name,
                         const std::string& version,
                         const std::string& extra = "",
                         char build = 'a') {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name +
         "\nspec:\n  release:\n    version: \"" + version +
         "\"\n    commit: " + std::string(40, build) +
         "\n    artifact:\n      url: file:///srv/a.tar.gz\n      sha256: " + std::string(64, 'b') +
         "\n    binary:\n      path: bin/app\n      sha256: " + std::string(64, build) +
         "\n  run:\n    exec:\n      command: [bin/app]\n" + extra;
}

std::string host_yaml(const std::string& name, const std::string& spec) {
  return "apiVersion: tether.dev/v1\nkind: Host\nmetadata:\n  name: " + name + "\nspec:\n" + spec;
}

const std::string k_image =
    "registry.example.com/cache:7.2@sha256:"
    "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6";

TEST(ReviewPlanDeclared, HostsComeFromHostFilesWithTheirLabels) {
  const StateSnapshot snapshot{
      "c1",
      {{"hosts/web-01.yaml", host_yaml("web-01", "  labels: {role: web}\n")},
       {"hosts/db-01.yaml", host_yaml("db-01", "  labels: {role: db, zone: eu-1}\n")},
       {"hosts/nested/x.yaml", host_yaml("x", "  labels: {}\n")}}};
  const auto hosts = hosts_declared(snapshot);
  ASSERT_EQ(hosts.size(), 2u);
  EXPECT_EQ(hosts.at("web-01"), (StringMap{{"role", "web"}}));
  EXPECT_EQ(hosts.at("db-01").at("zone"), "eu-1");
}

TEST(ReviewPlanDeclared, SelectorOverridesAndConfigAsTheAgentResolvesThem) {
  const StateSnapshot snapshot{
      "c1",
      {{"services/web.yaml",
        service_yaml("web",
                     "1.4.2",
                     "  selector: {role: web}\n  config:\n"
                     "    - {source: config/web/app.yaml, target: etc/app.yaml}\n")},
       {"services/db.yaml", service_yaml("db", "2.0", "  selector: {role: db}\n")},
       {"config/web/app.yaml", "port: 1\n"},
       {"hosts/web-01.yaml",
        host_yaml("web-01",
                  "  labels: {role: web}\n  overrides:\n    web: {rollout: {percent: 0}}\n")}}};
  Diagnostics diagnostics;
  const auto declared = declared_for(snapshot, HostIdentity{"web-01", {}}, diagnostics);
  ASSERT_TRUE(declared) << diagnostics.describe();
  EXPECT_EQ(declared->labels, (StringMap{{"role", "web"}}));
  ASSERT_EQ(declared->services.size(), 1u) << "db's selector does not match";
  const DeclaredService& web = declared->services.at("web");
  EXPECT_EQ(web.release.kind, ReleaseKind::binary);
  EXPECT_EQ(web.release.version, "1.4.2");
  EXPECT_EQ(web.release.commit, std::string(40, 'a'));
  EXPECT_EQ(web.release.config_hash, config_hash({{"etc/app.yaml", "port: 1\n"}}));
  EXPECT_EQ(web.rollout.percent, 0) << "host overrides apply";
  EXPECT_FALSE(web.rollout.included);
  EXPECT_FALSE(web.fingerprint.empty());

  // The agent's own labels count for hosts without a file.
  const auto db = declared_for(snapshot, HostIdentity{"db-07", {{"role", "db"}}}, diagnostics);
  ASSERT_TRUE(db);
  EXPECT_EQ(db->services.count("db"), 1u);
}

TEST(ReviewPlanDeclared, RolloutShareIsComputedAndHeldBackServicesAreListed) {
  const StateSnapshot snapshot{
      "c1", {{"services/web.yaml", service_yaml("web", "1.0.0", "  rollout: {percent: 50}\n")}}};
  int in = 0;
  int out = 0;
  for (int i = 0; i < 40; ++i) {
    const HostIdentity host{"host-" + std::to_string(i), {}};
    Diagnostics diagnostics;
    const auto declared = declared_for(snapshot, host, diagnostics);
    ASSERT_TRUE(declared);
    ASSERT_EQ(declared->services.count("web"), 1u) << "listed whether in the share or not";
    const Rollout& rollout = declared->services.at("web").rollout;
    EXPECT_EQ(rollout.percent, 50);
    EXPECT_EQ(rollout.bucket, rollout_bucket(host.id, "web"));
    EXPECT_EQ(rollout.included, rollout.bucket < 50);
    // The same answer as the agent's own resolution.
    const auto desired = load_desired(snapshot, host, diagnostics);
    ASSERT_TRUE(desired);
    EXPECT_EQ(rollout.included, desired->services.count("web") == 1);
    (rollout.included ? in : out)++;
  }
  EXPECT_GT(in, 0);
  EXPECT_GT(out, 0);
}

TEST(ReviewPlanDeclared, InvalidManifestsAreReportedWithFileAndLine) {
  const StateSnapshot snapshot{
      "c1", {{"services/web.yaml", service_yaml("web", "1.0.0", "  rollout: {percent: 150}\n")}}};
  Diagnostics diagnostics;
  EXPECT_FALSE(declared_for(snapshot, HostIdentity{"web-01", {}}, diagnostics));
  ASSERT_FALSE(diagnostics.empty());
  EXPECT_NE(diagnostics.describe().find("services/web.yaml:"), std::string::npos)
      << diagnostics.describe();
}

TEST(ReviewPlanDeclared, ContainerReleaseView) {
  Service service;
  service.workload = ContainerSpec{k_image, "cache", {}, {}, {}, {}, ""};
  const ReleaseView view = release_view(service, "h");
  EXPECT_EQ(view.kind, ReleaseKind::container);
  EXPECT_EQ(view.version, "7.2");
  EXPECT_EQ(view.digest, k_image.substr(k_image.find('@') + 1));
  EXPECT_EQ(view.identity(), "container:" + view.digest);

  service.workload = ContainerSpec{"localhost:5000/cache:latest", "cache", {}, {}, {}, {}, ""};
  const ReleaseView floating = release_view(service, "h");
  EXPECT_EQ(floating.version, "latest");
  EXPECT_EQ(floating.digest, "");
  EXPECT_EQ(floating.identity(), "container:localhost:5000/cache:latest");

  service.workload = ContainerSpec{"localhost:5000/cache", "cache", {}, {}, {}, {}, ""};
  EXPECT_EQ(release_view(service, "h").version, "") << "a registry port is not a tag";
}

TEST(ReviewPlanDeclared, HistoryKeepsTheOldestDeclarationOfEachRelease) {
  const std::vector<HistoricBlob> blobs = {
      {"web", "services/web.yaml", service_yaml("web", "1.5.0", "", 'b'), {0, "c3"}},
      {"web", "services/web.yaml", service_yaml("web", "1.4.2", "", 'a'), {1, "c2"}},
      // The same release again further back (other settings, so another blob).
      {"web",
       "services/web.yaml",
       service_yaml("web", "1.4.2", "  keepReleases: 3\n", 'a'),
       {4, "c1"}},
      {"web", "services/web.yaml", "not: [valid", {5, "c0"}},
  };
  const DeclaredHistory history = history_of(blobs);
  ASSERT_EQ(history.at("web").size(), 2u);
  const std::string v142 = "binary:1.4.2:" + std::string(40, 'a') + ":" + std::string(64, 'a');
  EXPECT_EQ(history.at("web").at(v142), (Declaration{4, "c1"}));
}

TEST(ReviewPlanDeclared, NamesASwitchStrategyOtherThanRestartAndItsProxy) {
  const std::string blue_green =
      "  health:\n    http: {url: \"http://127.0.0.1:8080/healthz\"}\n"
      "  switch:\n    strategy: blue-green\n    blueGreen:\n      ports: [18501, 18502]\n";
  const StateSnapshot snapshot{
      "c1",
      {{"services/web.yaml",
        service_yaml("web",
                     "1.0",
                     blue_green + "      nginx: {upstreamFile: /etc/nginx/tether/web.conf, "
                                  "pidFile: /run/nginx.pid}\n")},
       {"services/api.yaml",
        service_yaml("api",
                     "1.0",
                     blue_green + "      haproxy: {socket: /run/haproxy.sock, backend: app, "
                                  "server: live}\n")},
       {"services/db.yaml", service_yaml("db", "2.0")}}};
  Diagnostics diagnostics;
  const auto declared = declared_for(snapshot, HostIdentity{"web-01", {}}, diagnostics);
  ASSERT_TRUE(declared) << diagnostics.describe();
  EXPECT_EQ(declared->services.at("web").switch_strategy, "blue-green behind nginx");
  EXPECT_EQ(declared->services.at("api").switch_strategy, "blue-green behind haproxy");
  EXPECT_EQ(declared->services.at("db").switch_strategy, "") << "restart, the default";
}

}  // namespace
}  // namespace tether::review::declared_services_test
