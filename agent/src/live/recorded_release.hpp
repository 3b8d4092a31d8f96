#pragma once

#include "live/release_record.hpp"
#include "model/desired.hpp"

#include <string>

namespace tether {

/// Rollback drills (#23): the release of `record` as a DesiredService that runs it the way it
/// was declared when it was installed (its recorded run and health spec), for a switch to a
/// release the state commit no longer declares.
[[nodiscard]] DesiredService desired_of_record(const std::string& service,
                                               const ReleaseRecord& record);

}  // namespace tether
