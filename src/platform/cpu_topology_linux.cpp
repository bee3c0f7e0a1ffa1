// CPU topology from Linux sysfs, CPU lists, and pinning with sched_setaffinity.
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

std::vector<int> parse_cpu_mask(const std::string& text) {
    std::string hex = text;
    if (hex.rfind("0x", 0) == 0 || hex.rfind("0X", 0) == 0) hex = hex.substr(2);
    if (hex.empty() || hex.size() > 1024) throw Error("--cpu-mask '" + text + "': expected a hex mask like 0xF0");
    std::vector<int> cpus;
    for (size_t i = 0; i < hex.size(); ++i) {
        const char ch = hex[hex.size() - 1 - i];  // last digit: CPUs 0-3
        int v;
        if (ch >= '0' && ch <= '9') v = ch - '0';
        else if (ch >= 'a' && ch <= 'f') v = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F') v = ch - 'A' + 10;
        else throw Error("--cpu-mask '" + text + "': '" + std::string(1, ch) + "' is not a hex digit");
        for (int b = 0; b < 4; ++b)
            if (v & (1 << b)) cpus.push_back(int(4 * i) + b);
    }
    if (cpus.empty()) throw Error("--cpu-mask '" + text + "' selects no CPU");
    return cpus;
}

std::vector<int> parse_cpu_range(const std::string& list) {
    std::set<int> cpus;
    size_t pos = 0;
    auto bad = [&list](const std::string& why) { return Error("--cpu-range '" + list + "': " + why); };
    while (pos <= list.size()) {
        const size_t end = std::min(list.find(',', pos), list.size());
        const std::string item = list.substr(pos, end - pos);
        const size_t dash = item.find('-');
        try {
            size_t used = 0;
            const int lo = std::stoi(item.substr(0, dash), &used);
            if (used != (dash == std::string::npos ? item.size() : dash)) throw bad("'" + item + "' is not a number");
            int hi = lo;
            if (dash != std::string::npos) {
                const std::string rest = item.substr(dash + 1);
                hi = std::stoi(rest, &used);
                if (used != rest.size()) throw bad("'" + item + "' is not a range");
            }
            if (lo < 0 || hi < lo || hi >= 4096) throw bad("'" + item + "' is not a range of CPUs 0..4095");
            for (int c = lo; c <= hi; ++c) cpus.insert(c);
        } catch (const std::logic_error&) {
            throw bad("expected CPU numbers and ranges like 4-7 or 0,2,4-5");
        }
        pos = end + 1;
    }
    return {cpus.begin(), cpus.end()};
}

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

}  // namespace lumen::platform
