#include "apply/history_store.hpp"
#include "cli/commands.hpp"
#include "cli/error_output.hpp"
#include "core/json_text.hpp"
#include "core/layout.hpp"
#include "proposal/proposal_store.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace tether {
namespace {

int no_proposal(const Layout& layout, const std::string& service) {
  const History history = HistoryStore(layout.history()).load().value_or(History{});
  const auto it = history.find(service);
  if (it == history.end() || !it->second.quarantine) {
    std::fprintf(stderr,
                 "tether revert: %s is not quarantined on this host and has no revert proposal\n",
                 service.c_str());
  } else {
    std::fprintf(stderr,
                 "tether revert: %s is quarantined (%s) but the agent has proposed no revert: "
                 "set proposeRevert: {enabled: true} in the agent config, or wait for its next "
                 "pass\n",
                 service.c_str(),
                 it->second.quarantine->version.c_str());
  }
  return k_exit_failed;
}

void print_json(const std::string& service, const proposal::ProposalRecord& p) {
  nlohmann::ordered_json out = {{"service", service},
                                {"state", proposal::to_string(p.state)},
                                {"summary", proposal::summary(p)},
                                {"branch", p.branch},
                                {"revertedCommit", p.evidence.reverted_commit},
                                {"revertCommit", p.revert_commit},
                                {"attempts", p.attempts},
                                {"time", p.time},
                                {"message", proposal::proposal_message(p.evidence)}};
  std::puts(json_text(out, 2).c_str());
}

void print_text(const std::string& service, const proposal::ProposalRecord& p) {
  std::printf("%s on %s: %s\n", service.c_str(), p.evidence.host.c_str(), summary(p).c_str());
  if (p.branch.empty()) return;
  std::printf("reverts: %s \"%s\"\nbranch:  %s\ncommit:  %s\n\n%s",
              p.evidence.reverted_commit.c_str(),
              p.evidence.reverted_subject.c_str(),
              p.branch.c_str(),
              p.revert_commit.empty() ? "(none made)" : p.revert_commit.c_str(),
              proposal::proposal_message(p.evidence).c_str());
}

}  // namespace

int revert_proposal_command(const SettingsFlags& settings,
                            const std::string& service,
                            const std::string& format) {
  auto config = resolve_settings(settings, /*need_repo=*/false);
  if (!config) {
    print_error("revert", config.error());
    return k_exit_usage;
  }
  const Layout layout{config->root};
  auto proposals = proposal::ProposalStore(layout).load();
  if (!proposals) {
    print_error("revert", proposals.error());
    return k_exit_failed;
  }
  const auto it = proposals->find(service);
  if (it == proposals->end()) return no_proposal(layout, service);
  if (format == "json") {
    print_json(service, it->second);
  } else {
    print_text(service, it->second);
  }
  return k_exit_ok;
}

}  // namespace tether
