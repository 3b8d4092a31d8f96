#pragma once

#include <functional>

namespace tether {

/// Calls `start` (which returns 0, or the errno of a failed program start) again while it
/// fails with ETXTBSY, pausing 1, 2, 4 ... ms (at most 50) for about a second in all, and
/// returns its last result.
///
/// Why: the services of one wave are installed and started on threads of their own. While
/// one thread writes a release's program, another may be starting a process: its child holds
/// a copy of every descriptor (close-on-exec ones included) from its clone until its exec, and
/// the kernel refuses to execute a file that any process holds open for writing. The copy goes
/// with that exec, within moments: a retry starts the program.
[[nodiscard]] int retry_text_busy(const std::function<int()>& start);

}  // namespace tether
