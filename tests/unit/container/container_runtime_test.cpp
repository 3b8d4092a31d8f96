// The one mapping between container runtimes and their names (manifests, records, programs).
#include "model/container_runtime.hpp"

#include "container/container_commands.hpp"

#include <gtest/gtest.h>

namespace tether::container_runtime_test {
namespace {

TEST(ContainerRuntime, EveryRuntimeIsReadBackFromItsName) {
  for (const ContainerRuntime runtime : k_container_runtimes) {
    EXPECT_EQ(runtime_named(runtime_name(runtime)), runtime) << runtime_name(runtime);
    EXPECT_STREQ(engine_program(runtime), runtime_name(runtime));
  }
  EXPECT_STREQ(runtime_name(ContainerRuntime::podman), "podman");
  EXPECT_STREQ(runtime_name(ContainerRuntime::docker), "docker");
}

TEST(ContainerRuntime, AnyOtherNameIsNoRuntime) {
  EXPECT_EQ(runtime_named("rkt"), std::nullopt);
  EXPECT_EQ(runtime_named(""), std::nullopt);
  EXPECT_EQ(runtime_named("Docker"), std::nullopt);
}

TEST(ContainerRuntime, TheChoicesNameEveryRuntime) {
  EXPECT_EQ(runtime_choices(), "podman or docker");
}

}  // namespace
}  // namespace tether::container_runtime_test
