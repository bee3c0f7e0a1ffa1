#include "lumen/machine.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "isa_rows.hpp"
#include "lumen/session.hpp"
#include "platform/cpu_topology.hpp"
#include "platform/large_buffer.hpp"
#include "platform/system_info.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace lumen {

int physical_cores() { return platform::cpu_topology().physical; }

int default_thread_count() {
    const platform::CpuTopology t = platform::cpu_topology();
    return t.heterogeneous ? int(t.fast_cpus.size()) : t.physical;
}

std::vector<int> parse_cpu_mask(const std::string& hex) { return platform::parse_cpu_mask(hex); }
std::vector<int> parse_cpu_range(const std::string& list) { return platform::parse_cpu_range(list); }
void pin_to_cpus(const std::vector<int>& cpus) { platform::pin_to_cpus(cpus); }

MachineInfo machine_info() {
    MachineInfo m;
    m.cpu_model = platform::cpu_model_name();
    m.cpu_signature = kernels::cpu_signature();
    m.memory_bytes = platform::total_memory_bytes();
    const platform::CpuTopology topo = platform::cpu_topology();
    m.physical_cores = topo.physical;
    m.logical_cpus = topo.logical;
    m.fast_cpus = topo.fast_cpus;
    m.heterogeneous = topo.heterogeneous;
    m.features = cpu_features();
    m.isa = best_isa();
    m.weight_prefetch = kernels::weight_prefetch_policy().reason;
    return m;
}

double measure_read_bandwidth(int threads, size_t bytes, int repeats) {
    threads = std::max(1, threads);
    const size_t n = bytes / sizeof(uint64_t);
    // In the kind of memory the packed weights live in (huge pages where the OS gives them).
    const platform::LargeBuffer memory(n * sizeof(uint64_t), "bandwidth probe");
    auto* buf = reinterpret_cast<uint64_t*>(memory.data());
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
            total += kernels::stream_sum(buf + size_t(t) * chunk, chunk);
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
