#include "live/process_record.hpp"

#include "core/files.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

#include <sys/wait.h>

namespace tether {

Status write_process_record(const std::filesystem::path& file, const ProcessRecord& record) {
  nlohmann::json json = {{"pid", record.pid},
                         {"startTime", record.start_time},
                         {"release", record.release_dir},
                         {"fingerprint", record.fingerprint}};
  if (record.port != 0) json["port"] = record.port;
  if (!record.sockets.empty()) json["sockets"] = record.sockets;
  return write_file_atomic(file, json_text(json) + "\n");
}

std::optional<ProcessRecord> read_process_record(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return std::nullopt;
  try {
    const auto json = nlohmann::json::parse(*text);
    return ProcessRecord{json.at("pid").get<pid_t>(),
                         json.at("startTime").get<unsigned long long>(),
                         json.at("release").get<std::string>(),
                         json.value("fingerprint", ""),
                         json.value("port", 0),
                         json.value("sockets", "")};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<unsigned long long> process_start_time(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return std::nullopt;
  // The command name (field 2) may contain spaces and ')': parse from the last ')'.
  const size_t close = stat->rfind(')');
  if (close == std::string::npos || close + 2 >= stat->size()) return std::nullopt;
  const char state = (*stat)[close + 2];
  if (state == 'Z' || state == 'X') return std::nullopt;
  size_t pos = close + 2;
  for (int field = 3; field < 22; ++field) {
    pos = stat->find(' ', pos);
    if (pos == std::string::npos) return std::nullopt;
    ++pos;
  }
  return std::stoull(stat->substr(pos, stat->find(' ', pos) - pos));
}

bool is_alive(const ProcessRecord& record) {
  if (record.pid <= 0) return false;
  // A child of ours that exited stays a zombie until reaped; reap it so it reads as gone.
  ::waitpid(record.pid, nullptr, WNOHANG);
  const auto start = process_start_time(record.pid);
  return start && *start == record.start_time;
}

}  // namespace tether
