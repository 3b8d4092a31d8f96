// `tether validate`'s pure core: every problem of a snapshot, located, once each.
#include "review/validate.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace tether::review::validate_test {
namespace {

namespace fs = std::filesystem;

std::string service_yaml(const std::string& name, const std::string& extra = "") {
  return "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: " + name + "\nspec:\n" +
         extra + "  release:\n    version: \"1.0.0\"\n    commit: " + std::string(40, 'a') +
         "\n    artifact:\n      url: file:///srv/a.tar.gz\n      sha256: " + std::string(64, 'b') +
         "\n    binary:\n      path: bin/app\n      sha256: " + std::string(64, 'c') +
         "\n  run:\n    exec:\n      command: [bin/app]\n";
}

std::string host_yaml(const std::string& name, const std::string& spec) {
  return "apiVersion: tether.dev/v1\nkind: Host\nmetadata:\n  name: " + name + "\nspec:\n" + spec;
}

const std::string k_digest =
    "sha256:2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6";

ValidationReport validate(std::map<std::string, std::string> files,
                          SelectorPolicy policy = SelectorPolicy::warn) {
  return validate_snapshot(StateSnapshot{std::string(40, 'f'), std::move(files)},
                           ValidateOptions{policy});
}

std::string describe(const ValidationReport& report) { return render_validation_text(report, "X"); }

/// The findings at `file` and `field`.
std::vector<Finding> at(const ValidationReport& report,
                        const std::string& file,
                        const std::string& field) {
  std::vector<Finding> out;
  std::copy_if(report.findings.begin(),
               report.findings.end(),
               std::back_inserter(out),
               [&](const Finding& f) { return f.file == file && f.field == field; });
  return out;
}

TEST(ValidateLocate, FindsKeysIndexesAndDottedKeys) {
  const std::string text =
      "apiVersion: tether.dev/v1\n"         // 1
      "spec:\n"                             // 2
      "  selector:\n"                       // 3
      "    app.example.com/tier: web\n"     // 4
      "  config:\n"                         // 5
      "    - source: config/a.conf\n"       // 6
      "      target: etc/a.conf\n"          // 7
      "    - {source: b, target: etc/b}\n"  // 8
      "  release:\n"                        // 9
      "    version: \"1\"\n";               // 10
  EXPECT_EQ(locate_field_line(text, "spec"), 2);
  EXPECT_EQ(locate_field_line(text, "spec.selector.app.example.com/tier"), 4);
  EXPECT_EQ(locate_field_line(text, "spec.config[0].target"), 7);
  EXPECT_EQ(locate_field_line(text, "spec.config[1].target"), 8);
  // A missing field belongs to the deepest part of its path that exists.
  EXPECT_EQ(locate_field_line(text, "spec.release.commit"), 9);
  EXPECT_EQ(locate_field_line(text, "spec.config[5].source"), 5);
  EXPECT_EQ(locate_field_line(text, "metadata.name"), 1);
}

TEST(ValidateLocate, RootIsTheSecondDocumentOrTheFirstLine) {
  EXPECT_EQ(locate_field_line("a: 1\n---\nb: 2\n", "<root>"), 3);
  EXPECT_EQ(locate_field_line("a: 1\n", "<root>"), 1);
  EXPECT_EQ(locate_field_line("", "<root>"), 1);
  EXPECT_EQ(locate_field_line("a: [1\n", "a"), 0);
}

TEST(ValidateHints, NameWhatToDo) {
  EXPECT_NE(fix_hint("spec.release.commit", "expected 40 lowercase hex digits").find("40-hex"),
            std::string::npos);
  EXPECT_NE(fix_hint("spec.release.artifact.sha256", "expected 64").find("sha256sum"),
            std::string::npos);
  EXPECT_NE(fix_hint("spec.container.image", "expected a digest").find("allowFloatingTag"),
            std::string::npos);
  EXPECT_NE(fix_hint("spec.extra", "unknown field; expected one of: a").find("agent refuses"),
            std::string::npos);
  EXPECT_NE(
      fix_hint("spec.rollout.percent", "expected an integer").find("100 (every selected host)"),
      std::string::npos);
  EXPECT_FALSE(fix_hint("spec.whatever", "odd").empty());
}

TEST(Validate, AGoodRepoHasNoFindings) {
  const auto report = validate({
      {"services/web.yaml",
       service_yaml("web",
                    "  selector: {role: web}\n  config:\n"
                    "    - {source: config/web/app.conf, target: etc/app.conf}\n")},
      {"config/web/app.conf", "port=1\n"},
      {"hosts/web-01.yaml",
       host_yaml("web-01",
                 "  labels: {role: web}\n  overrides:\n    web: {rollout: {percent: 50}}\n")},
  });
  EXPECT_TRUE(report.valid());
  EXPECT_TRUE(report.findings.empty()) << describe(report);
  EXPECT_EQ(report.services, 1);
  EXPECT_EQ(report.hosts, 1);
}

TEST(Validate, ReportsEveryProblemOfAServiceInOneRunWithLines) {
  // A bad hash does not hide the missing config source or the unknown field after it.
  std::string text = service_yaml("web",
                                  "  config:\n"
                                  "    - {source: config/web/gone.conf, target: etc/a.conf}\n"
                                  "  restartPolicy: always\n");
  text.replace(text.find(std::string(40, 'a')), 40, "abc123");
  const auto report = validate({{"services/web.yaml", text}});
  EXPECT_FALSE(report.valid());
  const auto commit = at(report, "services/web.yaml", "spec.release.commit");
  ASSERT_EQ(commit.size(), 1u) << describe(report);
  EXPECT_EQ(commit[0].line, 11);
  const auto source = at(report, "services/web.yaml", "spec.config[0].source");
  ASSERT_EQ(source.size(), 1u) << describe(report);
  EXPECT_EQ(source[0].line, 7);
  EXPECT_NE(source[0].message.find("not in the state repo"), std::string::npos);
  const auto unknown = at(report, "services/web.yaml", "spec.restartPolicy");
  ASSERT_EQ(unknown.size(), 1u) << describe(report);
  EXPECT_EQ(unknown[0].line, 8);
  for (const Finding& f : report.findings) EXPECT_FALSE(f.hint.empty()) << f.message;
}

TEST(Validate, NamesMustMatchTheFileAndBeDeclaredOnce) {
  const auto report = validate({
      {"services/api.yaml", service_yaml("web")},
      {"services/web.yaml", service_yaml("web")},
      {"services/db.yaml", service_yaml("db")},
      {"services/db.yml", service_yaml("db")},
  });
  const auto mismatch = at(report, "services/api.yaml", "metadata.name");
  ASSERT_EQ(mismatch.size(), 1u) << describe(report);
  EXPECT_EQ(mismatch[0].line, 4);
  EXPECT_NE(mismatch[0].message.find("does not match the file name"), std::string::npos);
  const auto twice = at(report, "services/db.yml", "metadata.name");
  ASSERT_EQ(twice.size(), 1u) << describe(report);
  EXPECT_NE(twice[0].message.find("declared twice: services/db.yaml"), std::string::npos);
  EXPECT_TRUE(at(report, "services/web.yaml", "metadata.name").empty());
}

TEST(Validate, ChecksOverridesOfEveryHostOnceMerged) {
  const std::string image = "registry.example.com/cache@" + k_digest;
  const auto report = validate({
      {"services/web.yaml", service_yaml("web")},
      {"hosts/a.yaml",
       host_yaml("a",
                 "  labels: {role: web}\n"                 // 6
                 "  overrides:\n"                          // 7
                 "    nosuch: {rollout: {percent: 10}}\n"  // 8
                 "    web:\n"                              // 9
                 "      container: {image: \"" +
                     image +
                     "\"}\n"                                                        // 10
                     "      config: [{source: config/x.conf, target: etc/x}]\n")},  // 11
      {"hosts/b.yaml", host_yaml("b", "  overrides:\n    web: {rollout: {percent: 101}}\n")},
  });
  const auto unknown = at(report, "hosts/a.yaml", "spec.overrides.nosuch");
  ASSERT_EQ(unknown.size(), 1u) << describe(report);
  EXPECT_EQ(unknown[0].line, 8);
  const auto merged = at(report, "hosts/a.yaml", "spec.overrides.web");
  ASSERT_EQ(merged.size(), 1u) << describe(report);
  EXPECT_EQ(merged[0].line, 9);
  EXPECT_NE(merged[0].message.find("set exactly one of spec.release"), std::string::npos);
  EXPECT_NE(merged[0].message.find("once merged into services/web.yaml"), std::string::npos);
  EXPECT_EQ(at(report, "hosts/a.yaml", "spec.overrides.web.config[0].source").size(), 1u);
  const auto percent = at(report, "hosts/b.yaml", "spec.overrides.web.rollout.percent");
  ASSERT_EQ(percent.size(), 1u) << describe(report);
  EXPECT_EQ(percent[0].line, 7);
  EXPECT_EQ(report.count(Severity::error), 4) << describe(report);
}

TEST(Validate, SelectorsMatchingNoKnownHostWarnUnlessStrict) {
  const std::map<std::string, std::string> files{
      {"services/web.yaml", service_yaml("web", "  selector: {role: web}\n")},
      {"services/db.yaml", service_yaml("db", "  selector: {role: db}\n")},
      {"hosts/web-01.yaml", host_yaml("web-01", "  labels: {role: web}\n")},
  };
  const auto lenient = validate(files);
  EXPECT_TRUE(lenient.valid()) << describe(lenient);
  const auto warning = at(lenient, "services/db.yaml", "spec.selector");
  ASSERT_EQ(warning.size(), 1u) << describe(lenient);
  EXPECT_EQ(warning[0].severity, Severity::warning);
  EXPECT_EQ(warning[0].line, 6);
  EXPECT_TRUE(at(lenient, "services/web.yaml", "spec.selector").empty());
  const auto strict = validate(files, SelectorPolicy::strict);
  EXPECT_FALSE(strict.valid());
  EXPECT_EQ(strict.count(Severity::error), 1) << describe(strict);
}

TEST(Validate, WarnsAboutFilesTheAgentIgnoresAndFloatingTags) {
  const auto report = validate({
      {"services/web.yaml", service_yaml("web")},
      {"services/old/web.yaml", service_yaml("web")},
      {"hosts/web-01.json", "{}"},
      {"services/cache.yaml",
       "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n"
       "  allowFloatingTag: true\n  container:\n    image: redis:7\n"},
  });
  EXPECT_TRUE(report.valid()) << describe(report);
  EXPECT_EQ(report.count(Severity::warning), 3) << describe(report);
  EXPECT_EQ(at(report, "services/old/web.yaml", "<root>").size(), 1u);
  EXPECT_EQ(at(report, "hosts/web-01.json", "<root>").size(), 1u);
  const auto floating = at(report, "services/cache.yaml", "spec.container.image");
  ASSERT_EQ(floating.size(), 1u);
  EXPECT_EQ(floating[0].line, 8);
}

TEST(Validate, TagWithoutDigestAndBothWorkloadsAreErrorsAtTheirLines) {
  const auto report = validate({
      {"services/cache.yaml",
       "apiVersion: tether.dev/v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n"
       "  container:\n    image: redis:7\n"},
      {"services/web.yaml",
       service_yaml("web",
                    "  container: {image: \"registry.example.com/web@" + k_digest + "\"}\n")},
  });
  const auto tag = at(report, "services/cache.yaml", "spec.container.image");
  ASSERT_EQ(tag.size(), 1u) << describe(report);
  EXPECT_EQ(tag[0].line, 7);
  const auto both = at(report, "services/web.yaml", "spec");
  ASSERT_EQ(both.size(), 1u) << describe(report);
  EXPECT_EQ(both[0].line, 6);  // the container key
}

TEST(Validate, MalformedYamlIsLocatedAndOtherFilesStillChecked) {
  const auto report = validate({
      {"services/broken.yaml", "apiVersion: tether.dev/v1\nkind: [Service\n"},
      {"services/web.yaml", service_yaml("wbe")},
  });
  const auto broken = at(report, "services/broken.yaml", "<root>");
  ASSERT_EQ(broken.size(), 1u) << describe(report);
  EXPECT_GT(broken[0].line, 0);
  EXPECT_NE(broken[0].message.find("malformed YAML"), std::string::npos);
  EXPECT_EQ(at(report, "services/web.yaml", "metadata.name").size(), 1u) << describe(report);
}

TEST(Validate, AProblemSharedByEveryHostIsReportedOnce) {
  const auto report = validate({
      {"services/web.yaml",
       service_yaml("web", "  config:\n    - {source: config/gone, target: etc/a}\n")},
      {"hosts/a.yaml", host_yaml("a", "  labels: {}\n")},
      {"hosts/b.yaml", host_yaml("b", "  labels: {}\n")},
  });
  EXPECT_EQ(report.count(Severity::error), 1) << describe(report);
}

TEST(Validate, AConfigTargetUsedTwiceIsAnError) {
  const auto report = validate({
      {"services/web.yaml",
       service_yaml("web",
                    "  config:\n"
                    "    - {source: config/a, target: etc/app.conf}\n"
                    "    - {source: config/b, target: etc/app.conf}\n")},
      {"config/a", "a"},
      {"config/b", "b"},
  });
  const auto twice = at(report, "services/web.yaml", "spec.config[1].target");
  ASSERT_EQ(twice.size(), 1u) << describe(report);
  EXPECT_EQ(twice[0].line, 8);
  EXPECT_EQ(report.count(Severity::error), 1) << describe(report);
}

TEST(Validate, AnEmptyRepoWarns) {
  const auto report = validate({});
  EXPECT_TRUE(report.valid());
  EXPECT_EQ(report.count(Severity::warning), 1);
}

/// Every bad service and host file of the manifest corpus, placed in a state repo, is reported
/// at its expected field with a line.
TEST(Validate, LocatesEveryCorpusProblem) {
  const fs::path corpus = fs::path(TETHER_SOURCE_DIR) / "tests" / "manifests" / "bad";
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) {
    const std::string name = entry.path().filename().string();
    const bool service = name.rfind("service-", 0) == 0;
    if (!service && name.rfind("host-", 0) != 0) continue;
    const std::string text = test::read_text(entry.path());
    const std::string field = text.substr(10, text.find('\n') - 10);  // after "# expect: "
    const std::string path = (service ? "services/" : "hosts/") + name;
    const auto report = validate({{path, text}});
    const auto found = at(report, path, field);
    EXPECT_FALSE(found.empty()) << name << ": nothing at " << field << "\n" << describe(report);
    for (const Finding& f : found) EXPECT_GT(f.line, 0) << name << ": " << f.message;
    ++checked;
  }
  EXPECT_GE(checked, 100);
}

TEST(ValidateRender, TextHasFileLineFieldMessageAndFix) {
  ValidationReport report{std::string(40, 'f'),
                          1,
                          0,
                          {Finding{Severity::error, "services/web.yaml", 9, "spec.x", "bad", "do"},
                           Finding{Severity::warning, "hosts/a.json", 0, "<root>", "ign", "mv"}}};
  EXPECT_EQ(render_validation_text(report, "HEAD"),
            "services/web.yaml:9: spec.x: bad\n    fix: do\n"
            "hosts/a.json: warning: ign\n    fix: mv\n\n"
            "invalid: 1 error, 1 warning in 1 service and 0 host files at ffffffffffff (HEAD); "
            "agents refuse this commit\n");
  report.findings.clear();
  EXPECT_EQ(render_validation_text(report, "main"),
            "valid: 1 service and 0 host files at ffffffffffff (main)\n");
}

TEST(ValidateRender, JsonHasTheStableShape) {
  const auto report = validate({{"services/web.yaml", service_yaml("web", "  bogus: 1\n")}});
  const auto json = nlohmann::json::parse(render_validation_json(report, "HEAD"));
  EXPECT_EQ(json["format"], "tether.validate/v1");
  EXPECT_EQ(json["rev"], "HEAD");
  EXPECT_EQ(json["commit"], std::string(40, 'f'));
  EXPECT_EQ(json["valid"], false);
  EXPECT_EQ(json["errors"], 1);
  ASSERT_EQ(json["findings"].size(), 1u);
  const auto& finding = json["findings"][0];
  EXPECT_EQ(finding["severity"], "error");
  EXPECT_EQ(finding["file"], "services/web.yaml");
  EXPECT_EQ(finding["line"], 6);
  EXPECT_EQ(finding["field"], "spec.bogus");
  EXPECT_FALSE(finding["hint"].get<std::string>().empty());
}

}  // namespace
}  // namespace tether::review::validate_test
