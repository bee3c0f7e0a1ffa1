// CPU topology from Linux sysfs, and pinning with sched_setaffinity.
#include <sched.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "lumen/error.hpp"
#include "platform/cpu_topology.hpp"

namespace lumen::platform {

namespace {

bool read_number(const std::filesystem::path& file, long long& out) {
    std::ifstream in(file);
    return static_cast<bool>(in >> out);
}

}  // namespace

CpuTopology parse_sysfs_topology(const std::filesystem::path& cpu_dir) {
    struct Cpu {
        int id;
        long long speed;
        std::pair<long long, long long> core;  // (package, core id)
    };
    std::vector<Cpu> cpus;
    for (int id = 0; id < 4096; ++id) {
        const auto dir = cpu_dir / ("cpu" + std::to_string(id));
        if (!std::filesystem::exists(dir)) {
            if (id > 0) break;
            continue;
        }
        Cpu c{id, 0, {0, id}};
        if (!read_number(dir / "cpu_capacity", c.speed)) read_number(dir / "cpufreq" / "cpuinfo_max_freq", c.speed);
        read_number(dir / "topology" / "physical_package_id", c.core.first);
        read_number(dir / "topology" / "core_id", c.core.second);
        cpus.push_back(c);
    }
    CpuTopology t;
    if (cpus.empty()) {
        t.logical = t.physical = int(std::max(1u, std::thread::hardware_concurrency()));
        for (int i = 0; i < t.physical; ++i) t.fast_cpus.push_back(i);
        return t;
    }
    std::set<long long> speeds;
    for (const Cpu& c : cpus) speeds.insert(c.speed);
    t.heterogeneous = speeds.size() > 1;
    const long long slowest = *speeds.begin();
    std::set<std::pair<long long, long long>> cores, fast_cores;
    t.logical = int(cpus.size());
    for (const Cpu& c : cpus) {
        cores.insert(c.core);
        const bool fast = !t.heterogeneous || c.speed > slowest;
        if (fast && fast_cores.insert(c.core).second) t.fast_cpus.push_back(c.id);  // first SMT sibling
    }
    t.physical = int(cores.size());
    return t;
}

CpuTopology cpu_topology() { return parse_sysfs_topology("/sys/devices/system/cpu"); }

void pin_to_cpus(const std::vector<int>& cpus) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : cpus) {
        if (c < 0 || c >= CPU_SETSIZE) throw Error("CPU " + std::to_string(c) + " is out of range");
        CPU_SET(c, &set);
    }
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        throw Error(std::string("cannot run on the CPUs asked for: ") + std::strerror(errno));
}

int runnable_cpu_count() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return std::max(1, int(std::thread::hardware_concurrency()));
    return std::max(1, CPU_COUNT(&set));
}

}  // namespace lumen::platform
