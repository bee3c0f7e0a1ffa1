// Splitting work across a session's threads, and not entering OpenMP at all
// when one thread does it.
//
// An OpenMP region whose `if` clause is false still builds and frees a team
// of one on every entry (libgomp: a team allocation, and with the POSIX
// threading layer MinGW-w64 uses, semaphores created and destroyed — kernel
// objects on Windows, a round trip to the Wine server each under Wine, where
// one-thread golden tests ran 70x slower than natively). A token passes a few
// hundred such regions on a small model, so one thread runs plain loops here.
// Splits are OpenMP's static schedule, so results never depend on the split:
// every item is computed whole by one thread.
#pragma once

#include <cstdint>

namespace lumen::ops {

// f(i) for every i in [0, n): contiguous runs of i per thread
// (schedule(static)); a plain loop when n_threads or n is 1.
template <class F>
void parallel_for(int n_threads, int64_t n, F&& f) {
    if (n_threads > 1 && n > 1) {
#pragma omp parallel for num_threads(n_threads) schedule(static)
        for (int64_t i = 0; i < n; ++i) f(i);
        return;
    }
    for (int64_t i = 0; i < n; ++i) f(i);
}

// The same dealt out round robin (schedule(static, 1)), for items whose cost
// grows with i.
template <class F>
void parallel_for_round_robin(int n_threads, int64_t n, F&& f) {
    if (n_threads > 1 && n > 1) {
#pragma omp parallel for num_threads(n_threads) schedule(static, 1)
        for (int64_t i = 0; i < n; ++i) f(i);
        return;
    }
    for (int64_t i = 0; i < n; ++i) f(i);
}

// body() run by a team of n_threads, whose `#pragma omp for` loops split
// across the team; when n_threads is 1, body() once on this thread (a
// worksharing loop outside any region is a plain loop).
template <class F>
void parallel_region(int n_threads, F&& body) {
    if (n_threads > 1) {
#pragma omp parallel num_threads(n_threads)
        body();
        return;
    }
    body();
}

}  // namespace lumen::ops
