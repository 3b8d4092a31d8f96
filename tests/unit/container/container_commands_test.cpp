// The argv tether hands podman and docker: no shell, every value its own argument.
#include "container/container_commands.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace tether::container_commands_test {
namespace {

using Args = std::vector<std::string>;

const std::string k_image = "127.0.0.1:5000/web:v1@sha256:" + std::string(64, 'a');

ContainerLaunch launch() {
  ContainerSpec spec;
  spec.image = k_image;
  spec.name = "web-host";
  spec.args = {"/bin/busybox", "httpd", "-f"};
  spec.env = {{"B", "2"}, {"A", "1 and spaces"}};
  spec.ports = {"127.0.0.1:8080:8080"};
  spec.volumes = {"/srv/data:/data"};
  spec.user = "1000:1000";
  spec.stop_timeout = Millis(2500);
  return ContainerLaunch{"web",
                         spec,
                         "c0ffee",
                         std::string(40, 'f'),
                         {{"/root/services/web/config/c0/etc/a.conf", "/etc/a.conf"}},
                         "fp-web"};
}

TEST(ContainerCommands, RunCreatesANamedLabelledContainerWithInit) {
  const Args expected = {"run",
                         "-d",
                         "--init",
                         "--name",
                         "tether-web",
                         "--stop-timeout",
                         "3",
                         "--label",
                         "tether.service=web",
                         "--label",
                         "tether.release=sha256:" + std::string(64, 'a'),
                         "--label",
                         "tether.config-hash=c0ffee",
                         "--label",
                         "tether.state-commit=" + std::string(40, 'f'),
                         "--label",
                         "tether.image=" + k_image,
                         "--label",
                         "tether.fingerprint=fp-web",
                         "--hostname",
                         "web-host",
                         "--user",
                         "1000:1000",
                         "--env",
                         "A=1 and spaces",
                         "--env",
                         "B=2",
                         "--publish",
                         "127.0.0.1:8080:8080",
                         "--volume",
                         "/srv/data:/data",
                         "--mount",
                         "type=bind,source=/root/services/web/config/c0/etc/a.conf,target=/etc/"
                         "a.conf,readonly",
                         k_image,
                         "/bin/busybox",
                         "httpd",
                         "-f"};
  EXPECT_EQ(run_args(launch()), expected);
}

TEST(ContainerCommands, ABlueGreenCandidatePublishesItsOnePortOnLoopbackAtTheGivenHostPort) {
  ContainerLaunch candidate = launch();
  candidate.spec.ports = {"8080"};
  candidate.name = candidate_container_name_of("web");
  candidate.host_port = 18502;
  const Args args = run_args(candidate);
  const auto after = [&args](const std::string& flag) {
    Args values;
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == flag) values.push_back(args[i + 1]);
    }
    return values;
  };
  EXPECT_EQ(after("--name"), Args{"tether-web-next"});
  EXPECT_EQ(after("--publish"), Args{"127.0.0.1:18502:8080"});
  const Args labels = after("--label");
  EXPECT_NE(std::find(labels.begin(), labels.end(), "tether.port=18502"), labels.end());
  EXPECT_EQ(launch_name(launch()), "tether-web");
  EXPECT_EQ(published_ports(launch()), Args{"127.0.0.1:8080:8080"}) << "as written otherwise";
}

TEST(ContainerCommands, LifecycleCommandsNameTheContainer) {
  EXPECT_EQ(container_name_of("web"), "tether-web");
  EXPECT_EQ(previous_container_name_of("web"), "tether-web-prev");
  EXPECT_EQ(pull_args(k_image), (Args{"pull", k_image}));
  EXPECT_EQ(inspect_args("tether-web"), (Args{"container", "inspect", "tether-web"}));
  EXPECT_EQ(stop_args("tether-web", Millis(10000)), (Args{"stop", "-t", "10", "tether-web"}));
  EXPECT_EQ(remove_args(ContainerRuntime::podman, "tether-web"),
            (Args{"rm", "-f", "-t", "0", "tether-web"}));
  EXPECT_EQ(remove_args(ContainerRuntime::docker, "tether-web"), (Args{"rm", "-f", "tether-web"}));
  EXPECT_EQ(rename_args("tether-web", "tether-web-prev"),
            (Args{"rename", "tether-web", "tether-web-prev"}));
  EXPECT_EQ(start_args("tether-web"), (Args{"start", "tether-web"}));
  EXPECT_STREQ(engine_program(ContainerRuntime::docker), "docker");
  EXPECT_STREQ(engine_program(ContainerRuntime::podman), "podman");
}

}  // namespace
}  // namespace tether::container_commands_test
