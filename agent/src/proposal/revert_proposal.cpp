#include "proposal/revert_proposal.hpp"

#include "core/duration.hpp"

namespace tether::proposal {
namespace {

std::string release_text(const std::optional<JournalRelease>& release) {
  if (!release) return "-";
  return release->version.empty() ? release->dir : release->version;
}

std::string value_text(const std::string& text) { return text; }
std::string value_text(int number) { return std::to_string(number); }
std::string value_text(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : " ") + item;
  return text;
}

/// "http GET <url> expecting <status>": the kind's prose, then each field's that has a value.
std::string probe_text(const Probe& probe) {
  return std::visit(
      []<class Kind>(const Kind& kind) {
        std::string text = Kind::k_prose;
        for_each_field<Kind>([&](const auto& field) {
          const std::string value = value_text(kind.*field.member);
          if (!value.empty()) text += field.prose.before + value + field.prose.after;
        });
        return text;
      },
      probe);
}

/// `text` wrapped at 72 columns on spaces, as commit message bodies are.
std::string wrapped(const std::string& text) {
  constexpr size_t k_width = 72;
  std::string out;
  size_t column = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (column > 0 && column + 1 + word.size() > k_width) {
      out += '\n';
      column = 0;
    } else if (column > 0) {
      out += ' ';
      ++column;
    }
    out += word;
    column += word.size();
    start = end + 1;
  }
  return out + "\n";
}

void line(std::string& out, const char* label, const std::string& value) {
  if (!value.empty()) out += std::string(label) + value + "\n";
}

}  // namespace

std::optional<std::string> introducing_commit(const std::vector<DeclaredAt>& history,
                                              const std::string& failing) {
  if (history.empty() || failing.empty() || history.front().identity != failing) {
    return std::nullopt;
  }
  const std::string* oldest_failing = &history.front().commit;
  for (size_t i = 1; i < history.size(); ++i) {
    if (!history[i].identity) continue;
    if (*history[i].identity != failing) return *oldest_failing;
    oldest_failing = &history[i].commit;
  }
  return std::nullopt;
}

std::string proposal_branch(const std::string& prefix, const std::string& commit) {
  return prefix + commit.substr(0, 12);
}

std::string describe_probe(const HealthSpec& health) {
  return probe_text(health.probe) + " (timeout " + format_duration(health.timeout) + ", every " +
         format_duration(health.interval) + ", " + std::to_string(health.successes) +
         " in a row within " + format_duration(health.deadline) + ")";
}

std::string journal_line(const JournalEntry& entry) {
  std::string out = entry.time + " " + entry.action + " " + release_text(entry.from) + " -> " +
                    release_text(entry.to) + ": " + entry.result;
  if (!entry.error.empty()) out += ": " + entry.error;
  if (!entry.reason.empty()) out += " (" + entry.reason + ")";
  return out;
}

std::vector<std::string> journal_excerpt(const std::vector<JournalEntry>& entries,
                                         const std::string& service,
                                         size_t count) {
  std::vector<std::string> lines;
  for (auto it = entries.rbegin(); it != entries.rend() && lines.size() < count; ++it) {
    if (it->service == service && it->action != "revert-proposal")
      lines.insert(lines.begin(), journal_line(*it));
  }
  return lines;
}

std::string proposal_message(const Evidence& e) {
  std::string out =
      "Revert \"" + e.reverted_subject + "\"\n\nThis reverts commit " + e.reverted_commit + ".\n\n";
  out += wrapped("Proposed by tether on host " + e.host + ": " + e.service + " " +
                 e.failing_version + " failed its health check there, the host rolled back to " +
                 e.rolled_back_to + " by itself and quarantined " + e.failing_version +
                 ". The state repo still declares it; merging this revert makes the repo say "
                 "what the host runs.") +
         "\n";
  line(out, "Host:            ", e.host);
  line(out, "Service:         ", e.service);
  line(out,
       "Failing release: ",
       e.failing_version + (e.failing_commit.empty() ? "" : " (" + e.failing_commit + ")"));
  line(out, "Rolled back to:  ", e.rolled_back_to);
  line(out, "Health probe:    ", e.probe);
  line(out, "Last error:      ", e.last_error);
  line(out, "Time (UTC):      ", e.time);
  line(out, "State commit:    ", e.state_commit);
  if (!e.journal.empty()) {
    out += "\nJournal (last " + std::to_string(e.journal.size()) + " lines for " + e.service +
           " on " + e.host + "):\n";
    for (const std::string& entry : e.journal) out += "  " + entry + "\n";
  }
  return out;
}

}  // namespace tether::proposal
