#include "lumen/machine.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "lumen/session.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lumen {

MachineInfo machine_info() {
    MachineInfo m;
    std::ifstream cpu("/proc/cpuinfo");
    for (std::string line; std::getline(cpu, line);)
        if (line.rfind("model name", 0) == 0) {
            m.cpu_model = line.substr(line.find(':') + 2);
            break;
        }
    std::ifstream mem("/proc/meminfo");
    for (std::string key; mem >> key;) {
        uint64_t kb = 0;
        mem >> kb;
        if (key == "MemTotal:") {
            m.memory_bytes = kb * 1024;
            break;
        }
        std::string rest;
        std::getline(mem, rest);
    }
    m.physical_cores = physical_cores();
    m.logical_cpus = int(std::max(1u, std::thread::hardware_concurrency()));
    m.features = cpu_features();
    m.isa = best_isa();
    return m;
}

namespace {

// Sum of n 64-bit words with four independent accumulators; compiled once per
// vector width and picked at run time, so the probe reads as fast as the CPU can.
__attribute__((target_clones("avx512f", "avx2", "default")))
uint64_t stream_sum(const uint64_t* p, size_t n) {
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

}  // namespace

double measure_read_bandwidth(int threads, size_t bytes, int repeats) {
    threads = std::max(1, threads);
    const size_t n = bytes / sizeof(uint64_t);
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

uint64_t peak_rss_bytes() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return uint64_t(ru.ru_maxrss) * 1024;
}

void reset_peak_rss() {
    // Writing 5 to clear_refs resets the peak RSS counter (Linux >= 4.0).
    std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace lumen
