// A session's worker threads: started once, woken for every parallel step.
//
// A token of a small model is a few hundred short steps (smol135m: ~210
// matmuls, each tens of microseconds on one core). An OpenMP fork/join per
// step costs microseconds of wake-up and barrier each, which on two threads
// made smol135m generate slower than on one. Here the workers stay: after a
// step they poll for the next one for a short while (kSpinBudget), then sleep
// on a condition variable until woken, so an idle session costs no CPU.
//
// The caller is thread 0 and works too; run() returns when every thread has
// finished its share. One thread (or a pool of one) runs the work inline.
// A pool belongs to one session and is driven from one thread at a time.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace lumen::ops {

class ThreadPool {
public:
    // The caller plus n_threads - 1 workers (none for n_threads <= 1); throws
    // lumen::Error when the system will not start that many threads.
    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return size_; }

    // f(thread, n) for thread = 0 .. n-1, n = clamp(n_threads, 1, size());
    // the caller runs thread 0. f must not throw (as in an OpenMP region).
    template <class F>
    void run(int n_threads, F&& f) {
        const int n = std::clamp(n_threads, 1, size_);
        if (n == 1) {
            f(0, 1);
            return;
        }
        using Fn = std::remove_reference_t<F>;
        dispatch(n, [](const void* ctx, int thread, int count) { (*static_cast<Fn*>(const_cast<void*>(ctx)))(thread, count); },
                 static_cast<const void*>(std::addressof(f)));
    }

private:
    using Call = void (*)(const void* ctx, int thread, int n);
    void dispatch(int n, Call call, const void* ctx);
    void work(int index);
    uint64_t wait_for_step(uint64_t seen);
    void stop_workers();

    int size_ = 1;
    bool oversubscribed_ = false;  // more threads than CPUs to run on: sleep at once, never poll
    // (step number << 16) | active threads: one word, so a worker that missed a
    // step never reads the next step's count from a separate field mid-update.
    alignas(64) std::atomic<uint64_t> step_{0};
    alignas(64) std::atomic<int> pending_{0};  // active workers still running this step
    std::atomic<int> sleepers_{0};
    Call call_ = nullptr;  // written before step_ moves on, read after it did
    const void* ctx_ = nullptr;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<std::thread> workers_;
};

// Item range of `thread` out of n_threads under OpenMP's static schedule:
// contiguous runs, the first n % n_threads threads one item longer.
struct ItemRange {
    int64_t begin, end;
};
inline ItemRange static_share(int64_t n, int thread, int n_threads) {
    const int64_t q = n / n_threads, r = n % n_threads;
    const int64_t begin = q * thread + std::min<int64_t>(thread, r);
    return {begin, begin + q + (thread < r ? 1 : 0)};
}

}  // namespace lumen::ops
