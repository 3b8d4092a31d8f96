#pragma once

#include <cstddef>
#include <functional>

namespace tether {

/// Calls `work(i)` once for every i in [0, count), on at most `limit` threads at a time (the
/// caller's thread is one of them; `limit` 0 counts as 1), and returns when every call has
/// returned. Items are taken in index order as threads come free. With `limit` 1 (or one
/// item) everything runs on the caller's thread, in order, and no thread is started.
/// `work` must be safe to call from several threads at once and must not throw.
void run_bounded(size_t count, size_t limit, const std::function<void(size_t)>& work);

}  // namespace tether
