#include "ops/thread_pool.hpp"

#include <chrono>
#include <string>
#include <system_error>

#include "isa_rows.hpp"
#include "lumen/error.hpp"
#include "platform/cpu_topology.hpp"

namespace lumen::ops {

namespace {

// How long an idle worker polls before it sleeps: longer than the gap between
// two steps of a token and between two tokens (sampling, printing), so a
// generating session's workers stay awake; short enough that a session
// waiting for its user costs nothing measurable.
constexpr auto kSpinBudget = std::chrono::microseconds(1000);
constexpr int kPausesPerClockRead = 64;
constexpr uint64_t kCountMask = 0xffff;
constexpr uint32_t kPollsBeforeYield = 1u << 14;  // the caller's wait for the workers (~0.5 ms)

}  // namespace

ThreadPool::ThreadPool(int n_threads) : size_(std::clamp(n_threads, 1, int(kCountMask))) {
    oversubscribed_ = size_ > platform::runnable_cpu_count();
    workers_.reserve(size_t(size_ - 1));
    try {
        for (int i = 1; i < size_; ++i) workers_.emplace_back([this, i] { work(i); });
    } catch (const std::system_error& e) {  // the system's thread limit
        const size_t started = workers_.size();
        stop_workers();
        throw Error("cannot start " + std::to_string(size_) + " threads (started " + std::to_string(started + 1) +
                    "): " + e.what() + "; use fewer threads");
    }
}

ThreadPool::~ThreadPool() { stop_workers(); }

void ThreadPool::stop_workers() {
    // Active count 0 with the top bit set: every worker sees a new step and returns.
    step_.store(((step_.load() >> 16) + 1) << 16 | (uint64_t(1) << 63));
    {
        std::lock_guard<std::mutex> lock(mutex_);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
}

void ThreadPool::dispatch(int n, Call call, const void* ctx) {
    call_ = call;
    ctx_ = ctx;
    pending_.store(n - 1, std::memory_order_relaxed);
    // seq_cst store, then seq_cst load of sleepers_: a worker that did not see
    // this step before going to sleep has counted itself in sleepers_ first.
    step_.store(((step_.load(std::memory_order_relaxed) >> 16) + 1) << 16 | uint64_t(n));
    if (sleepers_.load() > 0) {
        { std::lock_guard<std::mutex> lock(mutex_); }
        wake_.notify_all();
    }
    call(ctx, 0, n);
    for (uint32_t spins = 0; pending_.load(std::memory_order_acquire) != 0; ++spins) {
        // A worker that is far behind may have lost its CPU: let it have ours.
        if (oversubscribed_ || spins > kPollsBeforeYield) std::this_thread::yield();
        else kernels::spin_pause();
    }
}

uint64_t ThreadPool::wait_for_step(uint64_t seen) {
    if (!oversubscribed_) {
        const auto start = std::chrono::steady_clock::now();
        for (;;) {
            for (int i = 0; i < kPausesPerClockRead; ++i) {
                const uint64_t s = step_.load(std::memory_order_acquire);
                if (s != seen) return s;
                kernels::spin_pause();
            }
            if (std::chrono::steady_clock::now() - start > kSpinBudget) break;
        }
    }
    std::unique_lock<std::mutex> lock(mutex_);
    sleepers_.fetch_add(1);
    wake_.wait(lock, [&] { return step_.load() != seen; });
    sleepers_.fetch_sub(1);
    return step_.load(std::memory_order_acquire);
}

void ThreadPool::work(int index) {
    uint64_t seen = 0;
    for (;;) {
        seen = wait_for_step(seen);
        if (seen >> 63) return;
        const int n = int(seen & kCountMask);
        if (index >= n) continue;  // not needed this step (and not counted in pending_)
        call_(ctx_, index, n);
        pending_.fetch_sub(1, std::memory_order_release);
    }
}

}  // namespace lumen::ops
