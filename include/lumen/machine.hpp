// What the machine is and how fast it can stream memory: the numbers that make
// benchmark results comparable and honest (speed as a share of the roofline).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lumen/export.hpp"
#include "lumen/isa.hpp"

namespace lumen {

struct MachineInfo {
    std::string cpu_model;      // the OS's name for it ("AMD EPYC" in many virtual machines)
    std::string cpu_signature;  // x86: "AuthenticAMD family 1Ah model 02h (Zen 5)"; "" elsewhere
    int physical_cores = 1;
    int logical_cpus = 1;
    std::vector<int> fast_cpus;  // one logical CPU per fast core (all cores on a uniform machine)
    bool heterogeneous = false;  // big.LITTLE: cores of different speeds
    uint64_t memory_bytes = 0;
    std::vector<std::string> features;
    Isa isa = Isa::scalar;  // kernels lumen picks here
    std::string weight_prefetch;  // how those kernels get weights into the cache here, and why
};

LUMEN_API MachineInfo machine_info();

// Threads lumen uses when none are asked for: the fast cores on a big.LITTLE
// machine, else the physical cores.
LUMEN_API int default_thread_count();

// CPU lists in llama.cpp's spellings: --cpu-mask (hex, "0xF0") and
// --cpu-range ("4-7", "0,2,4-5"); throw lumen::Error on bad input.
LUMEN_API std::vector<int> parse_cpu_mask(const std::string& hex);
LUMEN_API std::vector<int> parse_cpu_range(const std::string& list);
// Runs this thread, and the threads it creates from now on, on `cpus` only.
LUMEN_API void pin_to_cpus(const std::vector<int>& cpus);

// Streaming read bandwidth in bytes/s with `threads` threads over a buffer of
// `bytes` (well beyond the caches), best of `repeats` passes.
LUMEN_API double measure_read_bandwidth(int threads, size_t bytes = size_t(1) << 30, int repeats = 3);

// Peak resident set size of this process, and a reset of that peak (Linux).
LUMEN_API uint64_t peak_rss_bytes();
LUMEN_API void reset_peak_rss();

}  // namespace lumen
