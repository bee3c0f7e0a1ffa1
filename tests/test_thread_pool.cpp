// The session thread pool (src/ops/thread_pool.hpp) and the splits built on it
// (src/ops/parallel.hpp): every item exactly once, on the thread the schedule
// names, through many back-to-back steps, after the workers went to sleep,
// and with more threads than CPUs.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "ops/parallel.hpp"

using lumen::ops::ThreadPool;

TEST_CASE("static_share splits like OpenMP's static schedule") {
    for (int64_t n : {0, 1, 5, 7, 64, 1000})
        for (int threads : {1, 2, 3, 8}) {
            int64_t next = 0;
            for (int t = 0; t < threads; ++t) {
                const auto r = lumen::ops::static_share(n, t, threads);
                CHECK(r.begin == next);  // contiguous, in thread order
                const int64_t len = r.end - r.begin;
                CHECK(len == n / threads + (t < n % threads ? 1 : 0));
                next = r.end;
            }
            CHECK(next == n);
        }
}

TEST_CASE("thread pool: each thread runs once per step, for many steps") {
    for (int size : {1, 2, 3, 6}) {
        ThreadPool pool(size);
        REQUIRE(pool.size() == size);
        std::vector<std::atomic<int>> calls(size_t(size) + 1);
        for (int step = 0; step < 3000; ++step) {
            const int n = 1 + step % (size + 1);  // also more than the pool has: clamped
            const int expect = std::min(n, size);
            for (auto& c : calls) c.store(0);
            std::atomic<int> bad_count{0};
            pool.run(n, [&](int thread, int count) {
                if (count != expect) bad_count.fetch_add(1);
                calls[size_t(thread)].fetch_add(1);
            });
            REQUIRE(bad_count.load() == 0);
            for (int t = 0; t <= size; ++t) REQUIRE(calls[size_t(t)].load() == (t < expect ? 1 : 0));
        }
    }
}

TEST_CASE("thread pool: workers that went to sleep wake for the next step") {
    ThreadPool pool(3);
    for (int round = 0; round < 4; ++round) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // far past the polling budget
        std::atomic<int> sum{0};
        pool.run(3, [&](int thread, int) { sum.fetch_add(thread + 1); });
        CHECK(sum.load() == 1 + 2 + 3);
    }
}

TEST_CASE("thread pool: stops cleanly whether its workers poll or sleep") {
    for (int wait_ms : {0, 20}) {
        ThreadPool pool(4);
        std::atomic<int> ran{0};
        pool.run(4, [&](int, int) { ran.fetch_add(1); });
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
        CHECK(ran.load() == 4);
    }  // each destructor joins its workers; a hang here fails the test by its timeout
}

TEST_CASE("parallel_for: every item once, on the thread its schedule names") {
    const int cpus = int(std::max(1u, std::thread::hardware_concurrency()));
    for (int size : {1, 2, 3, cpus + 2}) {  // the last has more threads than CPUs
        ThreadPool pool(size);
        for (int64_t n : {1, 2, 5, 97, 4096}) {
            std::vector<int> owner(size_t(n), -1), hits(size_t(n), 0);
            lumen::ops::parallel_for(pool, n, [&](int64_t i, int thread) {
                owner[size_t(i)] = thread;
                ++hits[size_t(i)];
            });
            const int used = int(std::min<int64_t>(size, n));
            for (int64_t i = 0; i < n; ++i) {
                INFO("size " << size << ", n " << n << ", item " << i);
                REQUIRE(hits[size_t(i)] == 1);
                const auto r = lumen::ops::static_share(n, owner[size_t(i)], used);
                REQUIRE((r.begin <= i && i < r.end));
            }
            std::fill(hits.begin(), hits.end(), 0);
            lumen::ops::parallel_for_round_robin(pool, n, [&](int64_t i, int thread) {
                owner[size_t(i)] = thread;
                ++hits[size_t(i)];
            });
            for (int64_t i = 0; i < n; ++i) {
                REQUIRE(hits[size_t(i)] == 1);
                REQUIRE(owner[size_t(i)] == int(i % used));
            }
            // At most max_threads threads, and items without a thread index.
            std::fill(hits.begin(), hits.end(), 0);
            lumen::ops::parallel_for(pool, n, [&](int64_t i) { ++hits[size_t(i)]; }, 1);
            for (int64_t i = 0; i < n; ++i) REQUIRE(hits[size_t(i)] == 1);
        }
    }
}
