// Splitting work across a session's threads (ops/thread_pool.hpp).
//
// Every item is computed whole by one thread, so results never depend on the
// split or the thread count. One thread, or one item, runs as a plain loop on
// the caller.
#pragma once

#include <cstdint>
#include <type_traits>

#include "ops/thread_pool.hpp"

namespace lumen::ops {

namespace detail {
// f(i), or f(i, thread) where f wants to know which thread runs it (per-thread scratch).
template <class F>
void call_item(F& f, int64_t i, int thread) {
    if constexpr (std::is_invocable_v<F&, int64_t, int>) f(i, thread);
    else f(i);
}
}  // namespace detail

// f(i) for every i in [0, n): contiguous runs of i per thread (OpenMP's
// schedule(static)), on at most max_threads threads (0: all of the pool's).
template <class F>
void parallel_for(ThreadPool& pool, int64_t n, F&& f, int max_threads = 0) {
    const int threads = int(std::min<int64_t>(max_threads > 0 ? max_threads : pool.size(), n));
    if (threads <= 1) {
        for (int64_t i = 0; i < n; ++i) detail::call_item(f, i, 0);
        return;
    }
    pool.run(threads, [&](int thread, int count) {
        const ItemRange r = static_share(n, thread, count);
        for (int64_t i = r.begin; i < r.end; ++i) detail::call_item(f, i, thread);
    });
}

// The same dealt out round robin (schedule(static, 1)), for items whose cost
// grows with i.
template <class F>
void parallel_for_round_robin(ThreadPool& pool, int64_t n, F&& f) {
    const int threads = int(std::min<int64_t>(pool.size(), n));
    if (threads <= 1) {
        for (int64_t i = 0; i < n; ++i) detail::call_item(f, i, 0);
        return;
    }
    pool.run(threads, [&](int thread, int count) {
        for (int64_t i = thread; i < n; i += count) detail::call_item(f, i, thread);
    });
}

}  // namespace lumen::ops
