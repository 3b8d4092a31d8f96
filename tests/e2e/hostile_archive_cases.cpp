// Issue #18: artifacts that tried to rewrite the previous release, reach the agent's own
// records, or unpack without bound. Each is refused whole; v1 keeps serving, untouched.
#include "hostile_fixture.hpp"

namespace tether::test {

namespace fs = std::filesystem;
using Type = ArchiveEntry::Type;

std::vector<HostileCase> HostileTest::archive_cases() {
  const std::string binary = read_text(HELLO_BIN);
  const auto tarball = [this](const std::string& name,
                              std::vector<ArchiveEntry> entries,
                              const std::string& limits = "") {
    return [this, name, entries, limits] { declare_v2_tarball(name, entries, limits); };
  };
  // The previous release must come out of each case exactly as it went in: its record still
  // names 1.0.0 and its config and binary are its own.
  const fs::path v1 = releases() / m_v1_dir;
  const std::string v1_record = read_text(v1 / ".tether/release.json");
  const std::string v1_config = read_text(v1 / "etc/hello.conf");
  const auto v1_untouched = [v1, v1_record, v1_config, binary] {
    EXPECT_EQ(read_text(v1 / ".tether/release.json"), v1_record);
    EXPECT_EQ(read_text(v1 / "etc/hello.conf"), v1_config);
    EXPECT_EQ(read_text(v1 / "bin/hello"), binary);
  };
  const fs::path bomb = m_tmp / "hostile" / "claims-3gib.tar";  // a 3 GiB header, 10 bytes
  fs::create_directories(bomb.parent_path());
  write_tar_claiming_size(bomb, "data/bomb", 3LL * 1024 * 1024 * 1024);
  std::vector<ArchiveEntry> many = {{"bin/hello", binary, Type::file, 0755}};
  for (int i = 0; i < 300; ++i) many.push_back({"many/f" + std::to_string(i), "x"});
  // Issue #23: the artifact ships something at a path spec.shared links to the service's data.
  const auto shared_tarball = [this](const std::string& name,
                                     std::vector<ArchiveEntry> entries,
                                     const std::string& shared) {
    return [this, name, entries, shared] {
      declare_v2_tarball(name, entries);
      m_repo->write(
          "services/hello.yaml",
          read_text(m_repo->work() / "services/hello.yaml") + "  shared: " + shared + "\n");
    };
  };
  return {
      // A link out of the release (to /etc) is refused by the unpacker already; one that stays
      // inside would still make the shared data another path of the release.
      {"a shared path shipped as a symlink (#23)",
       shared_tarball("shared-link",
                      {{"bin/hello", binary, Type::file, 0755}, {"data", "bin", Type::symlink}},
                      "{dirs: [data]}"),
       {"the artifact has a symlink at the shared path data"},
       v1_untouched},
      {"a shared path below a symlink (#23)",
       shared_tarball("shared-parent-link",
                      {{"bin/hello", binary, Type::file, 0755}, {"var", "bin", Type::symlink}},
                      "{files: [var/state.db]}"),
       {"shared path var/state.db", "symlink \"var\""}},
      {"a shared path shipped as a file with content (#23)",
       shared_tarball("shared-file",
                      {{"bin/hello", binary, Type::file, 0755}, {"state.db", "seed"}},
                      "{files: [state.db]}"),
       {"the artifact has a file at the shared path state.db"}},
      {"'.' as a symlink to the previous release (#18.1)",
       tarball("dot-symlink",
               {{".", m_v1_dir, Type::symlink}, {"bin/hello", binary, Type::file, 0755}}),
       {"archive entry \".\"", "names the release dir itself"},
       v1_untouched},
      {"'./.' as a symlink to the previous release",
       tarball("dot-dot-slash", {{"./.", "../" + m_v1_dir, Type::symlink}}),
       {"archive entry", "release dir"},
       v1_untouched},
      {".tether/release.json as a symlink to the binary (#18.3)",
       tarball("record-link",
               {{"bin/hello", binary, Type::file, 0755},
                {".tether/release.json", "../bin/hello", Type::symlink}}),
       {"archive entry \".tether/release.json\"", "keeps for its own records"},
       v1_untouched},
      {".tether as a symlink into the release",
       tarball("tether-dir-link",
               {{"bin/hello", binary, Type::file, 0755}, {".tether", "bin", Type::symlink}}),
       {"archive entry \".tether\"", ".tether/"}},
      {"a file written through a symlink inside",
       tarball("through-link",
               {{"bin/hello", binary, Type::file, 0755},
                {"lib", "bin", Type::symlink},
                {"lib/hello", "replaced", Type::file, 0755}}),
       {"archive entry \"lib/hello\"", "symlink"}},
      {"a file where a dir is needed",
       tarball("file-as-dir", {{"bin", "a file"}, {"bin/hello", binary, Type::file, 0755}}),
       {"archive entry \"bin/hello\"", "not a directory"}},
      {"a hard link to a symlink",
       tarball("hardlink-symlink",
               {{"bin/hello", binary, Type::file, 0755},
                {"etc", "bin", Type::symlink},
                {"alias", "etc", Type::hardlink}}),
       {"archive entry \"alias\"", "hard link"}},
      {"decompression bomb past spec.release.limits.maxUnpackedMiB (#18.6)",
       tarball("zero-bomb",
               {{"bin/hello", binary, Type::file, 0755},
                {"data/zeros", std::string(16 * 1024 * 1024, '\0')}},
               "{maxUnpackedMiB: 4}"),
       {"archive entry \"data/zeros\"", "past 4 MiB unpacked", "maxUnpackedMiB"}},
      {"a header claiming 3 GiB (the 2 GiB default cap)",
       [this, bomb] { declare_v2_artifact("file://" + bomb.string(), sha256_of(bomb)); },
       {"archive entry \"data/bomb\"", "past 2048 MiB unpacked"}},
      {"more entries than spec.release.limits.maxFiles",
       tarball("many-files", many, "{maxFiles: 200}"),
       {"archive entry \"many/f199\"", "limit of 200", "maxFiles"}},
  };
}

}  // namespace tether::test
