#include "preview/preview_render.hpp"

#include "report/table.hpp"

#include <algorithm>

namespace tether::preview {
namespace {

nlohmann::json release_json(const std::optional<ReleaseId>& release) {
  if (!release) return nullptr;
  return {{"version", release->version},
          {"commit", release->commit},
          {"configHash", release->config_hash},
          {"text", release->short_text()}};
}

nlohmann::json or_null(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

std::string short_id(const std::string& commit) { return commit.substr(0, 12); }

std::string release_text(const std::optional<ReleaseId>& release) {
  return release ? release->short_text() : "-";
}

}  // namespace

nlohmann::json preview_json(const Preview& preview) {
  nlohmann::json services = nlohmann::json::array();
  for (const ServicePreview& s : preview.services) {
    services.push_back({{"service", s.service},
                        {"desired", release_json(s.desired)},
                        {"live", release_json(s.live)},
                        {"action", s.action},
                        {"reason", s.reason},
                        {"drift", s.drift},
                        {"driftReason", s.drift_reason},
                        {"repairsDrift", s.repairs_drift}});
  }
  nlohmann::json descends = nullptr;
  if (preview.trust.descends_from_applied) descends = *preview.trust.descends_from_applied;
  const auto count = [&](auto predicate) {
    return std::count_if(preview.services.begin(), preview.services.end(), predicate);
  };
  return {{"format", k_preview_format},
          {"host", preview.host},
          {"labels", preview.labels},
          {"ref", preview.ref},
          {"refName", preview.ref_name},
          {"commit", preview.commit},
          {"appliedCommit", or_null(preview.applied_commit)},
          {"trust",
           {{"signature", to_string(preview.trust.signature)},
            {"admitted", preview.trust.admitted()},
            {"detail", preview.trust.detail},
            {"descendsFromApplied", descends}}},
          {"changes", count([](const ServicePreview& s) { return s.changes(); })},
          {"drifted", count([](const ServicePreview& s) { return s.drift; })},
          {"services", services},
          {"notes", preview.notes}};
}

nlohmann::json preview_error_json(const Error& error, const std::string& ref) {
  return {{"error", error.message}, {"hint", error.hint}, {"ref", ref.substr(0, 200)}};
}

std::string trust_warning(const TrustVerdict& trust) {
  switch (trust.signature) {
    case Signature::not_required:
    case Signature::valid:
      return "";
    case Signature::unsigned_commit:
      return "the tip is not signed: agents here would refuse it as it is (" + trust.detail + ")";
    case Signature::invalid:
      break;
  }
  return "the tip's signature is not valid: agents here would refuse it as it is (" + trust.detail +
         ")";
}

std::string preview_text(const Preview& preview) {
  std::string out = "host " + preview.host + ": " + preview.ref + " (" + preview.ref_name +
                    ") at " + short_id(preview.commit) + ", applied here " +
                    (preview.applied_commit.empty() ? std::string("nothing yet")
                                                    : short_id(preview.applied_commit)) +
                    "\n";
  out += "signature: " + std::string(to_string(preview.trust.signature));
  if (const std::string warning = trust_warning(preview.trust); !warning.empty())
    out += "; " + warning;
  out += "\n\n";
  Table table({"SERVICE", "LIVE", "DESIRED", "ACTION", "DRIFT", "REASON"});
  int changes = 0;
  int drifted = 0;
  for (const ServicePreview& s : preview.services) {
    changes += s.changes() ? 1 : 0;
    drifted += s.drift ? 1 : 0;
    std::string drift = "-";
    if (s.drift) drift = s.repairs_drift ? "repaired" : "stays";
    table.add({{s.service},
               {release_text(s.live)},
               {release_text(s.desired)},
               {s.action},
               {drift},
               {s.reason}});
    if (s.drift) table.add_note({"drift: " + s.drift_reason});
  }
  out += table.empty() ? "no services declared or live on this host\n" : table.render(Colour::off);
  for (const std::string& note : preview.notes) out += "note: " + note + "\n";
  out += "\n" + std::to_string(changes) + " service(s) would change, " + std::to_string(drifted) +
         " drifted; nothing was changed on this host\n";
  return out;
}

}  // namespace tether::preview
