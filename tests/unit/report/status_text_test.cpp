// The text of `tether status`: one aligned row per service, then a note for each service an
// operator has to act on. Scripts and tests match "QUARANTINED: <version>", "running, pid",
// "not running": those stay.
#include "report/host_report.hpp"

#include <gtest/gtest.h>

namespace tether::status_text_test {
namespace {

const std::string k_a = std::string(40, 'a');
const std::string k_b = std::string(40, 'b');

InstalledRelease release(const std::string& version, const std::string& commit, bool intact) {
  return {version + "-" + commit.substr(0, 12) + "-00000000",
          {version, commit, "", ""},
          "2026-11-23T10:00:00Z",
          intact,
          intact ? "" : "bin/web: sha256 changed"};
}

HostReport report() {
  HostReport r;
  r.root = "/var/lib/tether";
  r.state_commit = k_a;
  LiveService web{
      "web", {}, {release("1.0.0", k_a, true)}, ProcessState::stopped, "", std::nullopt};
  web.current_dir = web.installed[0].dir_name;
  LiveService api{"api-gateway",
                  {},
                  {release("2.1.0", k_b, false)},
                  ProcessState::not_supervised,
                  "",
                  std::nullopt};
  api.current_dir = api.installed[0].dir_name;
  r.live = {{"web", web}, {"api-gateway", api}};
  r.last_change["web"] = JournalEntry{"2026-11-23T10:05:00Z",
                                      k_a,
                                      "web",
                                      "auto-rollback",
                                      JournalRelease{"3.0.0", k_b, "d"},
                                      JournalRelease{"1.0.0", k_a, "d"},
                                      "ok",
                                      "",
                                      ""};
  r.history["web"].quarantine =
      Quarantine{"d", "3.0.0", k_b, "x", "not healthy within 5s: HTTP 500", "2026-11-23T10:05:00Z"};
  return r;
}

TEST(StatusText, AlignsServicesInATableAndNotesWhatNeedsAnOperator) {
  const std::string text = report_text(Layout{"/nonexistent"}, report(), Colour::off);
  EXPECT_EQ(
      text,
      std::string("root /var/lib/tether, state commit aaaaaaaaaaaa\n\n") +
          "SERVICE      LIVE                  PROCESS         RELEASES  LAST CHANGE" +
          std::string(38, ' ') + "NOTE\n" +
          "api-gateway  2.1.0 (bbbbbbbbbbbb)  not supervised  1         -" + std::string(48, ' ') +
          "damaged\n"
          "web          1.0.0 (aaaaaaaaaaaa)  not running     1         auto-rollback 1.0.0 at "
          "2026-11-23T10:05:00Z: ok  quarantined\n"
          "\n"
          "api-gateway: DAMAGED releases/2.1.0-bbbbbbbbbbbb-00000000: bin/web: sha256 changed; "
          "the next run repairs it\n"
          "web: QUARANTINED: 3.0.0 (bbbbbbbbbbbb) failed health at 2026-11-23T10:05:00Z: not "
          "healthy within 5s: HTTP 500\n"
          "  serving 1.0.0 (aaaaaaaaaaaa); fix or revert in the state repo, or run `tether retry "
          "web`\n");
}

TEST(StatusText, ColourMarksProblemsInRed) {
  const std::string text = report_text(Layout{"/nonexistent"}, report(), Colour::on);
  EXPECT_NE(text.find("\033[31mquarantined\033[0m"), std::string::npos) << text;
  EXPECT_NE(text.find("\033[31mQUARANTINED: 3.0.0\033[0m"), std::string::npos) << text;
  EXPECT_NE(text.find("\033[31mnot running\033[0m"), std::string::npos) << text;
}

TEST(StatusText, SaysSoWhenNothingIsInstalled) {
  HostReport empty;
  empty.root = "/r";
  EXPECT_EQ(report_text(Layout{"/r"}, empty, Colour::off),
            "root /r, state commit (none applied yet)\nno services installed\n");
}

}  // namespace
}  // namespace tether::status_text_test
