// The dispatch rows of the architecture this library was built for: which ISAs
// it has kernels for, how to tell whether this CPU runs them, and how to fill
// their kernel set. Each architecture folder (x86/, arm/, portable/) defines
// these once; dispatch.cpp itself knows no instruction set.
#pragma once

#include <initializer_list>
#include <span>
#include <utility>
#include <string>
#include <vector>

#include "dispatch.hpp"

namespace lumen::kernels {

struct IsaRow {
    Isa isa;
    bool (*supported)();            // this CPU (and OS) can run the kernels
    void (*fill)(KernelSet& ks);    // overrides the scalar entries it has kernels for
};

// Rows from the most basic to the best ISA.
std::span<const IsaRow> isa_rows();

// Whether the kernels prefetch weights ahead in software on this CPU or leave
// it to the hardware prefetchers, and why (shown by `lumen bench --machine`).
// LUMEN_SOFTWARE_PREFETCH=1 or 0 overrides the CPU's rule (throws
// lumen::Error on another value). Only x86 has both kernel variants.
struct PrefetchPolicy {
    bool software = true;
    std::string reason;
};
const PrefetchPolicy& weight_prefetch_policy();

// Feature names relevant to the kernels that this CPU has ("avx2", "asimddp", ...).
std::vector<std::string> detected_cpu_features();

// Vendor, family and model with the core generation where known
// ("AuthenticAMD family 1Ah model 02h (Zen 5)"); "" where the ISA family has
// no such number (ARM names its cores in the platform layer's model name).
std::string cpu_signature();

// The names whose flag is set, in order (for detected_cpu_features).
inline std::vector<std::string> present_features(std::initializer_list<std::pair<bool, const char*>> flags) {
    std::vector<std::string> out;
    for (const auto& [has, name] : flags)
        if (has) out.emplace_back(name);
    return out;
}

// Sum of n 64-bit words read as fast as this CPU streams memory (the
// bandwidth probe's inner loop; n is a multiple of 32).
uint64_t stream_sum(const uint64_t* p, size_t n);

// One spin-wait hint (x86 `pause`, ARM `yield`): a thread polling a flag
// gives the core's other hardware thread and the memory system a rest.
void spin_pause();

}  // namespace lumen::kernels
