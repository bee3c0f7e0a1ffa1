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
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : total)
        for (size_t blk = 0; blk < n / 8; ++blk) {
            const uint64_t* p = buf.get() + blk * 8;
            total += (p[0] + p[1]) + (p[2] + p[3]) + (p[4] + p[5]) + (p[6] + p[7]);
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        sink = sink + total;
        best = std::max(best, double(n / 8 * 8 * sizeof(uint64_t)) / s);
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
