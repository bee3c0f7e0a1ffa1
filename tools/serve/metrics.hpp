// Server counters, exported as Prometheus text on GET /metrics. Counters are
// atomics: HTTP threads and the scheduler thread update them without locks.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace lumen::serve {

struct Metrics {
    // Requests by outcome; every request that reaches a route ends in exactly one.
    std::atomic<uint64_t> requests_ok{0};        // completed (any finish reason but error/cancel)
    std::atomic<uint64_t> requests_invalid{0};   // 4xx: bad JSON, wrong field, unknown model, too long
    std::atomic<uint64_t> requests_rejected{0};  // 503: queue full or shutting down
    std::atomic<uint64_t> requests_cancelled{0}; // client went away or timed out
    std::atomic<uint64_t> requests_failed{0};    // 5xx: internal errors
    std::atomic<uint64_t> unauthorized{0};       // 401 (not counted in the above)
    std::atomic<uint64_t> prompt_tokens{0};      // prompt tokens evaluated
    std::atomic<uint64_t> cached_tokens{0};      // prompt tokens reused from a slot's cache
    std::atomic<uint64_t> generated_tokens{0};
    std::atomic<uint64_t> steps{0};              // batched forward steps
    std::atomic<uint64_t> step_rows{0};          // sequences summed over steps (rows / steps = mean batch)
    std::atomic<uint64_t> busy_microseconds{0};  // time spent in forward steps
    std::atomic<int> queue_length{0};
    std::atomic<int> slots_busy{0};
    std::atomic<int> n_slots{0};

    uint64_t requests_total() const {
        return requests_ok + requests_invalid + requests_rejected + requests_cancelled + requests_failed;
    }
    std::string prometheus() const;
};

}  // namespace lumen::serve
