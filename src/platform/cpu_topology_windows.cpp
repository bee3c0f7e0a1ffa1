// cpu_topology on Windows: GetLogicalProcessorInformationEx(RelationProcessorCore).
// One record per physical core, with its logical processors (group + mask) and
// an EfficiencyClass: on hybrid CPUs the performance cores have the highest
// class; elsewhere every core has class 0, so all count as fast. Logical ids are
// numbered group by group (64 per group), as Windows numbers them.
#include <windows.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <thread>

#include <string>

#include "lumen/error.hpp"
#include "platform/cpu_topology.hpp"

namespace lumen::platform {

namespace {
// PROCESSOR_RELATIONSHIP.EfficiencyClass is the byte after Flags; older MinGW
// headers still call it Reserved[0], so it is read by position.
int efficiency_class(const PROCESSOR_RELATIONSHIP& r) { return reinterpret_cast<const BYTE*>(&r.Flags)[1]; }
}  // namespace

CpuTopology cpu_topology() {
    CpuTopology t;
    t.logical = int(std::max(1u, std::thread::hardware_concurrency()));
    t.physical = t.logical;
    DWORD bytes = 0;
    GetLogicalProcessorInformationEx(RelationProcessorCore, nullptr, &bytes);
    if (bytes == 0) return t;
    auto buf = std::make_unique<std::byte[]>(bytes);
    auto* first = reinterpret_cast<SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX*>(buf.get());
    if (!GetLogicalProcessorInformationEx(RelationProcessorCore, first, &bytes)) return t;

    struct Core { int efficiency; std::vector<int> cpus; };
    std::vector<Core> cores;
    for (DWORD off = 0; off < bytes;) {
        const auto* rec = reinterpret_cast<const SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX*>(buf.get() + off);
        if (rec->Relationship == RelationProcessorCore) {
            Core core{efficiency_class(rec->Processor), {}};
            for (WORD g = 0; g < rec->Processor.GroupCount; ++g) {
                const GROUP_AFFINITY& ga = rec->Processor.GroupMask[g];
                for (int bit = 0; bit < 64; ++bit)
                    if ((ga.Mask >> bit) & 1) core.cpus.push_back(int(ga.Group) * 64 + bit);
            }
            cores.push_back(std::move(core));
        }
        off += rec->Size;
    }
    if (cores.empty()) return t;
    t.physical = int(cores.size());
    int logical = 0, best = 0;
    for (const Core& c : cores) {
        logical += int(c.cpus.size());
        best = std::max(best, c.efficiency);
    }
    t.logical = std::max(1, logical);
    int lowest = best;
    for (const Core& c : cores) lowest = std::min(lowest, c.efficiency);
    t.heterogeneous = lowest != best;
    for (const Core& c : cores)  // one logical CPU per fast core (SMT siblings count once)
        if (c.efficiency == best && !c.cpus.empty()) t.fast_cpus.push_back(c.cpus.front());
    std::sort(t.fast_cpus.begin(), t.fast_cpus.end());
    return t;
}

void pin_to_cpus(const std::vector<int>& cpus) {
    // Processor group 0 (the first 64 logical CPUs): what a process starts in.
    DWORD_PTR mask = 0;
    for (int c : cpus) {
        if (c < 0 || c >= 64) throw Error("CPU " + std::to_string(c) + " is out of range (Windows group 0: 0-63)");
        mask |= DWORD_PTR(1) << c;
    }
    if (!SetProcessAffinityMask(GetCurrentProcess(), mask))
        throw Error("cannot run on the CPUs asked for (SetProcessAffinityMask failed, error " +
                    std::to_string(GetLastError()) + ")");
}

int runnable_cpu_count() {
    DWORD_PTR process = 0, system = 0;
    if (!GetProcessAffinityMask(GetCurrentProcess(), &process, &system) || process == 0) return 1;
    return std::max(1, int(__builtin_popcountll(uint64_t(process))));
}

}  // namespace lumen::platform
