// Issues 7 and 18: the hostile input catalogue. One agent daemon faces every case in turn (bad
// manifests, alias and tree bombs, bytes that are not UTF-8, poisoned or escalating artifacts,
// a misbehaving artifact server, a broken Git remote, a full, read-only or immutable disk, a
// second agent, slow API clients); after each one the error names the file, field or URL in
// GET /status and in `tether status`, the host still serves its last good release, and the
// agent is still running. At the end it converges to a good commit with what its archive tried
// defused, and stops within 5 s of SIGTERM.
#include "hostile_fixture.hpp"
#include "process_guard.hpp"

namespace tether::test {

namespace fs = std::filesystem;
using Type = ArchiveEntry::Type;

const std::string k_hello_manifest = "services/hello.yaml";

/// Cases whose commit is refused before anything is applied: the manifest is wrong.
std::vector<HostileCase> HostileTest::manifest_cases() {
  const auto write = [this](const std::string& file, const std::string& text) {
    return [this, file, text] { m_repo->write(file, text); };
  };
  const auto edit = [this](const std::string& from, const std::string& to) {
    return [this, from, to] {
      std::string text = read_text(m_repo->work() / k_hello_manifest);
      text.replace(text.find(from), from.size(), to);
      m_repo->write(k_hello_manifest, text);
    };
  };
  std::string nested = "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: deep}\nspec: ";
  nested += std::string(5000, '[') + std::string(5000, ']') + "\n";
  std::string huge = "apiVersion: tether.dev/v1\nkind: Service\n# ";
  huge += std::string(9 * 1024 * 1024, 'x') + "\n";
  const std::string container =
      "apiVersion: tether.dev/v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
      "  container: {image: \"registry.example.com/web:1.4\"}\n  run: {}\n";
  return {
      {"malformed YAML", edit("kind: Service", "kind: [Service"), {k_hello_manifest + ":", "YAML"}},
      {"wrong type",
       edit("keepReleases: 5", "keepReleases: five"),
       {k_hello_manifest, "keepReleases"}},
      {"mapping instead of a string",
       edit("name: hello", "name: {first: hello}"),
       {k_hello_manifest, "metadata.name"}},
      {"duplicate service name",
       write("services/hello-copy.yaml", read_text(m_repo->work() / k_hello_manifest)),
       {"services/hello-copy.yaml", "hello"}},
      {"unsupported apiVersion",
       edit("tether.dev/v1", "tether.dev/v9"),
       {k_hello_manifest, "apiVersion", "tether.dev/v9"}},
      {"unknown kind", edit("kind: Service", "kind: Deployment"), {k_hello_manifest, "kind"}},
      {"version with ..",
       edit("version: \"1.0.0\"", "version: \"1..0\""),
       {k_hello_manifest, "version"}},
      {"version with /",
       edit("version: \"1.0.0\"", "version: \"1.0/../0\""),
       {k_hello_manifest, "spec.release.version"}},
      {"config target with ..",
       edit("target: etc/hello.conf", "target: ../../etc/passwd"),
       {k_hello_manifest, "spec.config[0].target"}},
      {"absolute config target",
       edit("target: etc/hello.conf", "target: /etc/passwd"),
       {k_hello_manifest, "spec.config[0].target"}},
      {"config source outside the repo",
       edit("source: config/hello/hello.conf", "source: ../../../etc/shadow"),
       {k_hello_manifest, "spec.config[0].source"}},
      {"config source missing",
       edit("source: config/hello/hello.conf", "source: config/hello/nope.conf"),
       {k_hello_manifest, "config/hello/nope.conf"}},
      {"repeated key",
       edit("  keepReleases: 5\n", "  keepReleases: 5\n  keepReleases: 6\n"),
       {k_hello_manifest, "keepReleases", "twice"}},
      {"two documents in one file",
       edit("apiVersion:", "---\n{}\n---\napiVersion:"),
       {k_hello_manifest, "one YAML document"}},
      {"unknown field",
       edit("keepReleases: 5", "keepReleeses: 5"),
       {k_hello_manifest, "keepReleeses"}},
      {"artifact digest not hex",
       edit("      sha256: " + m_releases.at("1.0.0").artifact_sha256, "      sha256: abc"),
       {k_hello_manifest, "spec.release.artifact.sha256"}},
      {"source commit not hex",
       edit("commit: " + m_releases.at("1.0.0").commit, "commit: HEAD"),
       {k_hello_manifest, "spec.release.commit"}},
      {"artifact URL scheme",
       edit("url: \"file://", "url: \"ftp://example.com"),
       {k_hello_manifest, "spec.release.artifact.url"}},
      {"binary path escaping",
       edit("path: bin/hello", "path: ../../bin/sh"),
       {k_hello_manifest, "spec.release.binary.path"}},
      {"bad service name",
       edit("name: hello", "name: Hello_World"),
       {k_hello_manifest, "metadata.name"}},
      {"huge manifest (8 MiB cap)",
       write("services/huge.yaml", huge),
       {"services/huge.yaml", "8 MiB"}},
      {"deeply nested YAML",
       write("services/deep.yaml", nested),
       {"services/deep.yaml:4", "nested more than 64 levels deep"}},
      {"binary garbage",
       write("services/garbage.yaml", std::string("\x00\xff\xfe\x01", 4) + "\x80"),
       {"services/garbage.yaml"}},
      {"empty manifest", write("services/empty.yaml", ""), {"services/empty.yaml"}},
      {"image tag without digest",
       write("services/web.yaml", container),
       {"services/web.yaml", "spec.container.image"}},
      {"bad host file",
       write("hosts/e2e-host.yaml",
             "apiVersion: tether.dev/v1\nkind: Host\n"
             "metadata: {name: e2e-host}\n"
             "spec: {labels: [oops]}\n"),
       {"hosts/e2e-host.yaml", "spec.labels"}},
  };
}

/// Cases where the Git remote misbehaves.
std::vector<HostileCase> HostileTest::git_cases() {
  const std::string work = m_repo->work().string();
  const std::string bare = m_repo->bare().string();
  const auto push_back = [work] {
    run_ok({"git", "-C", work, "push", "-q", "-f", "origin", "HEAD:main"});
  };
  return {
      {"git server down",
       [this] { m_daemon.reset(); },
       {repo_url()},
       [this, port = m_daemon->port()] {
         m_daemon = std::make_unique<GitDaemon>(m_tmp / "git", port);
       }},
      {"branch deleted",
       [bare] {
         run_ok({"git", "-C", bare, "update-ref", "-d", "refs/heads/main"});
       },
       {"branch main", repo_url()},
       push_back},
      {"repo replaced by unrelated history",
       [this, bare] {
         const fs::path other = m_tmp / "unrelated";
         run_ok({"git", "init", "-q", "--initial-branch=main", other.string()});
         write_text(other / "README", "someone else's project\n");
         run_ok({"git", "-C", other.string(), "add", "-A"});
         run_ok({"git",
                 "-C",
                 other.string(),
                 "-c",
                 "user.name=x",
                 "-c",
                 "user.email=x@x",
                 "commit",
                 "-q",
                 "-m",
                 "unrelated"});
         run_ok({"git", "-C", other.string(), "push", "-q", "-f", bare, "HEAD:main"});
       },
       {"does not descend"},
       push_back},
  };
}

/// Cases where the commit is valid but its artifact is poisoned, unreachable or too big, or
/// the disk refuses it.
std::vector<HostileCase> HostileTest::artifact_cases() {
  const HelloRelease v2 = release("2.0.0");
  const std::string binary = read_text(HELLO_BIN);
  const auto tarball = [this](const std::string& name, std::vector<ArchiveEntry> entries) {
    return [this, name, entries] {
      std::string sha;
      const std::string url = hostile_tarball(name, entries, sha);
      declare_v2_artifact(url, sha);
    };
  };
  const auto served = [this](const std::string& path) {
    // A digest nothing in the artifact cache has: the agent must download, and fail.
    return [this, path] { declare_v2_artifact(m_http.url(path), std::string(64, 'd')); };
  };
  const std::string releases = this->releases().string();
  const auto remount = [releases](const char* mode) {
    return [releases, mode] { run_ok({"mount", "-o", std::string("remount,") + mode, releases}); };
  };
  const std::string dead_url = "http://127.0.0.1:" + std::to_string(free_port()) + "/a.tar.gz";
  return {
      {"archive sha256 mismatch",
       [this] { declare_v2_artifact("", std::string(64, 'e')); },
       {v2.artifact.string(), "but the manifest declares " + std::string(64, 'e')}},
      {"binary sha256 mismatch",
       [this, v2] {
         declare_v2_artifact("");
         std::string text = read_text(m_repo->work() / k_hello_manifest);
         text.replace(text.find(v2.binary_sha256), 64, std::string(64, 'b'));
         m_repo->write(k_hello_manifest, text);
       },
       {"binary bin/hello has sha256", std::string(64, 'b')}},
      {"HTTP 404", served("/status/404"), {m_http.url("/status/404"), "404"}},
      {"HTTP 500", served("/status/500"), {m_http.url("/status/500"), "500"}},
      {"HTTP 403 (permission denied)", served("/status/403"), {m_http.url("/status/403"), "403"}},
      {"slow-loris server", served("/slow"), {m_http.url("/slow"), "too slow"}},
      {"truncated body", served("/truncated"), {m_http.url("/truncated"), "transfer closed"}},
      {"endless body (size cap)", served("/endless"), {m_http.url("/endless"), "cap"}},
      {"declared oversize body (size cap)",
       served("/declared-huge"),
       {m_http.url("/declared-huge"), "cap"}},
      {"artifact server down",
       [this, dead_url] { declare_v2_artifact(dead_url, std::string(64, 'd')); },
       {dead_url}},
      {"entry with ../",
       tarball("dotdot", {{"../../evil", "x"}, {"bin/hello", binary, Type::file, 0755}}),
       {"archive entry \"../../evil\"", "escapes the release dir"}},
      {"absolute entry",
       tarball("absolute", {{"/tmp/tether-evil", "x"}}),
       {"archive entry \"/tmp/tether-evil\"", "escapes"}},
      {"symlink pointing out",
       tarball("symlink", {{"bin/sh", "/bin/sh", Type::symlink}}),
       {"archive entry \"bin/sh\"", "symlink to \"/bin/sh\""}},
      {"symlink climbing out",
       tarball("symlink-up", {{"etc/passwd", "../../../../etc/passwd", Type::symlink}}),
       {"archive entry \"etc/passwd\"", "outside the release dir"}},
      {"hardlink pointing out",
       tarball("hardlink", {{"bin/hello", "../../../etc/shadow", Type::hardlink}}),
       {"archive entry \"bin/hello\"", "hard link"}},
      {"fifo entry",
       tarball("fifo", {{"bin/pipe", "", Type::fifo}}),
       {"archive entry \"bin/pipe\""}},
      {"not an archive",
       [this] {
         write_text(m_tmp / "hostile/garbage.tar.gz", "this is not a tarball\n");
         declare_v2_artifact("file://" + (m_tmp / "hostile/garbage.tar.gz").string(),
                             sha256_of(m_tmp / "hostile/garbage.tar.gz"));
       },
       {"hostile/garbage.tar.gz", "Unrecognized archive format"}},
      {"binary missing from the artifact",
       tarball("nobinary", {{"README", "no binary here"}}),
       {"no regular file at bin/hello"}},
      {"disk full during unpack",
       tarball("zeros",
               {{"bin/hello", binary, Type::file, 0755},
                {"data/zeros", std::string(40 * 1024 * 1024, '\0')}}),
       {"hostile/zeros.tar.gz", "data/zeros", "No space left on device"}},
      {"read-only filesystem",
       [this, remount] {
         declare_v2_artifact("");
         remount("ro")();
       },
       {releases, "Read-only file system"},
       remount("rw")},
      {"permission denied (immutable releases dir)",
       [this, releases] {
         declare_v2_artifact("");
         run_ok({"chattr", "+i", releases});
       },
       {releases, "Operation not permitted"},
       [releases] {
         run_ok({"chattr", "-i", releases});
       }},
  };
}

namespace {

TEST_F(HostileTest, EveryHostileInputLeavesTheHostServingAndTheAgentRunning) {
  ASSERT_NO_FATAL_FAILURE(start_host());
  std::vector<HostileCase> cases = manifest_cases();
  for (auto& c : git_cases()) cases.push_back(std::move(c));
  for (auto& c : artifact_cases()) cases.push_back(std::move(c));
  for (auto& c : archive_cases()) cases.push_back(std::move(c));
  for (auto& c : bounds_cases()) cases.push_back(std::move(c));
  ASSERT_GE(cases.size(), 70U);
  for (const HostileCase& c : cases) check(c);

  // A second agent on the same root is refused by the lock, naming it and its holder.
  const CommandResult second = tether({"run", "--once"});
  EXPECT_EQ(second.exit_code, 5) << second.err;
  const std::string holder = "pid " + std::to_string(m_agent->id());
  EXPECT_NE(second.err.find("another tether agent holds " + (m_root / "state/lock").string() +
                            " (" + holder + ")"),
            std::string::npos)
      << second.err;
  EXPECT_NE(tether({"status"}).out.find("agent: running, " + holder), std::string::npos);
  EXPECT_TRUE(process_running(m_agent->id()));
  EXPECT_EQ(hello_says(), "hello 1.0.0\n");

  // The API holds against slow and greedy clients (4 more attacks).
  check_api_under_slow_clients();
  // After all that, a good release converges, with what its archive tried defused (2 more),
  EXPECT_NO_FATAL_FAILURE(check_release_is_defused("3.0.0"));
  // and the agent, its notifier running all along, stops within 5 s of SIGTERM.
  check_stops_promptly();
  std::cout << "hostile cases: " << cases.size() + 1 + 4 + 2 << "\n";
}

}  // namespace
}  // namespace tether::test
