#include "lumen/machine.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "lumen/session.hpp"
#include "platform/system_info.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lumen {

MachineInfo machine_info() {
    MachineInfo m;
    m.cpu_model = platform::cpu_model_name();
    m.memory_bytes = platform::total_memory_bytes();
    m.physical_cores = physical_cores();
    m.logical_cpus = int(std::max(1u, std::thread::hardware_concurrency()));
    m.features = cpu_features();
    m.isa = best_isa();
    return m;
}

namespace {

// Sum of n 64-bit words with four independent accumulators; compiled once per
// vector width below and picked at run time, so the probe reads as fast as the
// CPU can. (Explicit variants rather than target_clones: Windows has no ifunc.)
__attribute__((always_inline)) inline uint64_t stream_sum_body(const uint64_t* p, size_t n) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    for (size_t i = 0; i + 32 <= n; i += 32) {
        for (int k = 0; k < 8; ++k) {
            a += p[i + k];
            b += p[i + 8 + k];
            c += p[i + 16 + k];
            d += p[i + 24 + k];
        }
    }
    return a + b + c + d;
}
__attribute__((target("avx512f"))) uint64_t stream_sum_avx512(const uint64_t* p, size_t n) {
    return stream_sum_body(p, n);
}
__attribute__((target("avx2"))) uint64_t stream_sum_avx2(const uint64_t* p, size_t n) { return stream_sum_body(p, n); }
uint64_t stream_sum_default(const uint64_t* p, size_t n) { return stream_sum_body(p, n); }

using StreamSum = uint64_t (*)(const uint64_t*, size_t);
StreamSum stream_sum_for(Isa isa) {
    switch (isa) {
        case Isa::avx512: return stream_sum_avx512;
        case Isa::avx2: return stream_sum_avx2;
        default: return stream_sum_default;
    }
}

}  // namespace

double measure_read_bandwidth(int threads, size_t bytes, int repeats) {
    threads = std::max(1, threads);
    const size_t n = bytes / sizeof(uint64_t);
    const StreamSum stream_sum = stream_sum_for(best_isa());
    std::unique_ptr<uint64_t[]> buf(new uint64_t[n]);
    // Touch every page (in parallel, so pages land near the threads that read them).
#pragma omp parallel for num_threads(threads) schedule(static)
    for (size_t i = 0; i < n; ++i) buf[i] = i;
    double best = 0;
    volatile uint64_t sink = 0;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        uint64_t total = 0;
        const size_t chunk = (n / size_t(threads)) & ~size_t(31);
#pragma omp parallel num_threads(threads) reduction(+ : total)
        {
            int t = 0;
#ifdef _OPENMP
            t = omp_get_thread_num();
#endif
            total += stream_sum(buf.get() + size_t(t) * chunk, chunk);
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        sink = sink + total;
        best = std::max(best, double(chunk * size_t(threads) * sizeof(uint64_t)) / s);
    }
    return best;
}

uint64_t peak_rss_bytes() { return platform::peak_rss_bytes(); }

void reset_peak_rss() { platform::reset_peak_rss(); }

}  // namespace lumen
