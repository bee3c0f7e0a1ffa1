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

#include "isa_rows.hpp"
#include "lumen/session.hpp"
#include "platform/cpu_topology.hpp"

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

namespace {

// x86: the "model name" line. ARM kernels print no name, only the core's
// implementer and part numbers (0x41/0xd0b = Arm Cortex-A76): name the common
// ones, and the board from the device tree where there is one.
std::string cpu_model_name() {
    std::ifstream cpu("/proc/cpuinfo");
    std::string implementer, part;
    for (std::string line; std::getline(cpu, line);) {
        const auto value = [&line]() -> std::string {
            const size_t c = line.find(':');
            return c == std::string::npos ? "" : line.substr(std::min(c + 2, line.size()));
        };
        if (line.rfind("model name", 0) == 0) return value();
        if (line.rfind("CPU implementer", 0) == 0 && implementer.empty()) implementer = value();
        if (line.rfind("CPU part", 0) == 0) part = value();  // the last core listed: the big one on most boards
    }
    if (part.empty()) return "unknown CPU";
    static const std::pair<const char*, const char*> kArmParts[] = {
        {"0xd03", "Cortex-A53"}, {"0xd04", "Cortex-A35"}, {"0xd05", "Cortex-A55"}, {"0xd07", "Cortex-A57"},
        {"0xd08", "Cortex-A72"}, {"0xd09", "Cortex-A73"}, {"0xd0a", "Cortex-A75"}, {"0xd0b", "Cortex-A76"},
        {"0xd0c", "Neoverse-N1"}, {"0xd0d", "Cortex-A77"}, {"0xd40", "Neoverse-V1"}, {"0xd41", "Cortex-A78"},
        {"0xd44", "Cortex-X1"}, {"0xd46", "Cortex-A510"}, {"0xd47", "Cortex-A710"}, {"0xd48", "Cortex-X2"},
        {"0xd49", "Neoverse-N2"}, {"0xd4d", "Cortex-A715"}, {"0xd4e", "Cortex-X3"},
    };
    std::string name = "CPU implementer " + implementer + " part " + part;
    if (implementer == "0x41")
        for (const auto& [id, core] : kArmParts)
            if (part == id) name = std::string("Arm ") + core;
    std::ifstream board("/proc/device-tree/model");
    std::string model;
    if (std::getline(board, model, '\0') && !model.empty()) name += " (" + model + ")";
    return name;
}

}  // namespace

MachineInfo machine_info() {
    MachineInfo m;
    m.cpu_model = cpu_model_name();
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
    const platform::CpuTopology topo = platform::cpu_topology();
    m.physical_cores = topo.physical;
    m.logical_cpus = topo.logical;
    m.fast_cpus = topo.fast_cpus;
    m.heterogeneous = topo.heterogeneous;
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
        const size_t chunk = (n / size_t(threads)) & ~size_t(31);
#pragma omp parallel num_threads(threads) reduction(+ : total)
        {
            int t = 0;
#ifdef _OPENMP
            t = omp_get_thread_num();
#endif
            total += kernels::stream_sum(buf.get() + size_t(t) * chunk, chunk);
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
