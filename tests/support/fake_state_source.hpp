#pragma once

#include "source/state_source.hpp"

#include <map>
#include <string>

namespace tether::test {

/// A state repo in memory: commits by id, a tip to follow, and a switch to make it unreachable.
/// History questions say every commit descends from every other (no rewrite), and no commit is
/// signed: a Reconciler under test follows whatever tip it is given.
class FakeStateSource final : public StateSource {
 public:
  /// Adds commit `id` with `files` and makes it the tip.
  void commit(const std::string& id, std::map<std::string, std::string> files) {
    m_commits[id] = std::move(files);
    m_tip = id;
  }
  void set_unreachable(bool unreachable) { m_unreachable = unreachable; }

  Result<std::string> fetch() override {
    ++m_counters.polls;
    if (m_unreachable) return Error{"cannot reach the state repo (fake)", ""};
    return m_tip;
  }
  Result<StateSnapshot> snapshot(const std::string& commit) override {
    const auto found = m_commits.find(commit);
    if (found == m_commits.end()) return Error{"no commit " + commit, ""};
    return StateSnapshot{commit, found->second};
  }
  [[nodiscard]] SourceCounters counters() const override { return m_counters; }
  Result<SignedCommit> signed_commit(const std::string&) override { return SignedCommit{}; }
  Result<bool> descends_from(const std::string&, const std::string&) override { return true; }
  Result<std::vector<std::string>> commits_since(const std::string&,
                                                 const std::string& tip,
                                                 size_t) override {
    return std::vector<std::string>{tip};
  }

 private:
  std::map<std::string, std::map<std::string, std::string>> m_commits;
  std::string m_tip;
  bool m_unreachable = false;
  SourceCounters m_counters;
};

}  // namespace tether::test
