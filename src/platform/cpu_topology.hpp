// What cores this machine has and which of them are fast: the platform layer's
// CPU topology (Linux: sysfs; other systems: their own file beside this one).
// On big.LITTLE boards (RK3588: 4x A76 + 4x A55; phones: 1+3+4) generation runs
// on the big cores only — a thread on a little core holds every step back.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lumen::platform {

struct CpuTopology {
    int logical = 1;             // CPUs the OS lists
    int physical = 1;            // distinct cores (SMT siblings count once)
    std::vector<int> fast_cpus;  // one logical CPU per fast physical core
    bool heterogeneous = false;  // cores of different speeds (big.LITTLE)
};

// This machine's topology (never empty: at least one fast CPU).
CpuTopology cpu_topology();

// The topology described by a sysfs CPU directory (normally
// /sys/devices/system/cpu; tests pass captured trees). A core's speed is its
// cpu_capacity, else its cpufreq/cpuinfo_max_freq; when cores differ, the
// slowest class is "little" and every other core is fast.
CpuTopology parse_sysfs_topology(const std::filesystem::path& cpu_dir);

// Parses a CPU list as llama.cpp's --cpu-mask (hex, e.g. "0xF0") or
// --cpu-range ("4-7", also "0,2,4-5") spell it; throws lumen::Error on bad input.
std::vector<int> parse_cpu_mask(const std::string& hex);
std::vector<int> parse_cpu_range(const std::string& list);

// Restricts this process's threads created from now on (and the calling
// thread) to `cpus`; throws lumen::Error naming the cause when the OS refuses.
void pin_to_cpus(const std::vector<int>& cpus);

// CPUs this process may run on now (its affinity mask: fewer than the machine
// has after pin_to_cpus, taskset or a container's cpuset); at least 1.
int runnable_cpu_count();

}  // namespace lumen::platform
