// x86-64: CPU features from CPUID + XGETBV, and the x86 dispatch rows.
#include <cpuid.h>
#include <immintrin.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include "cpu_names.hpp"
#include "isa_rows.hpp"
#include "lumen/error.hpp"
#include "stream_sum.hpp"

namespace lumen::kernels {

namespace avx2 { void fill_kernel_set(KernelSet& ks); }
namespace avx512 { void fill_kernel_set(KernelSet& ks); }

namespace {

// CPU features from CPUID, trusted only when the OS saves the matching
// register state (XGETBV): AVX needs XMM+YMM state, AVX-512 also opmask and ZMM.
struct CpuFlags {
    bool sse42 = false, avx = false, avx2 = false, fma = false, f16c = false;
    bool avx512f = false, avx512bw = false, avx512vl = false, avx512vnni = false;
    bool amd = false;  // vendor AuthenticAMD
    char vendor[13] = {};  // CPUID 0: "AuthenticAMD", "GenuineIntel", ...
    unsigned family = 0;  // base family + extended family (CPUID 1, EAX)
    unsigned model = 0;   // base model + extended model (families 6 and 0Fh)
};

CpuFlags detect_cpu() {
    CpuFlags f;
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(0, &a, &b, &c, &d)) {
        std::memcpy(f.vendor, &b, 4);
        std::memcpy(f.vendor + 4, &d, 4);
        std::memcpy(f.vendor + 8, &c, 4);
        f.amd = std::memcmp(f.vendor, "AuthenticAMD", 12) == 0;
    }
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
    const unsigned base_family = a >> 8 & 0xF;
    f.family = base_family + (base_family == 0xF ? (a >> 20 & 0xFF) : 0);
    f.model = (a >> 4 & 0xF) + (base_family == 0x6 || base_family == 0xF ? (a >> 16 & 0xF) << 4 : 0);
    f.sse42 = c & (1u << 20);
    const bool osxsave = c & (1u << 27);
    uint64_t xcr0 = 0;
    if (osxsave) {
        uint32_t lo, hi;
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        xcr0 = (uint64_t(hi) << 32) | lo;
    }
    const bool ymm_state = (xcr0 & 0x6) == 0x6;
    const bool zmm_state = ymm_state && (xcr0 & 0xE0) == 0xE0;
    f.avx = ymm_state && (c & (1u << 28));
    f.fma = f.avx && (c & (1u << 12));
    f.f16c = f.avx && (c & (1u << 29));
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        f.avx2 = f.avx && (b & (1u << 5));
        f.avx512f = zmm_state && (b & (1u << 16));
        f.avx512bw = f.avx512f && (b & (1u << 30));
        f.avx512vl = f.avx512f && (b & (1u << 31));
        f.avx512vnni = f.avx512f && (c & (1u << 11));
    }
    return f;
}

const CpuFlags& cpu() {
    static const CpuFlags flags = detect_cpu();  // immutable after the first call
    return flags;
}

bool has_avx2() { return cpu().avx2 && cpu().fma && cpu().f16c; }
bool has_avx512() {
    const CpuFlags& f = cpu();
    return has_avx2() && f.avx512f && f.avx512bw && f.avx512vl && f.avx512vnni;
}

// AMD's Zen 3 and later (family 19h, 1Ah): on a Zen 4 core (EPYC, family 19h)
// the packed kernels streamed their weights 20-60 % faster with no software
// prefetch at all than with every line prefetched 1-2 KiB ahead, the default
// tuned on an Intel Sapphire Rapids core where it was 5-50 % faster than
// other distances (docs/kernels.md, sessions 8 and 11). A Zen 5 core (EPYC
// 9005, family 1Ah) agreed on one thread: hardware only was 0-25 % faster
// (session 16). Other CPUs keep software prefetch.
PrefetchPolicy decide_prefetch() {
    const CpuFlags& f = cpu();
    if (const char* forced = std::getenv("LUMEN_SOFTWARE_PREFETCH"); forced != nullptr && *forced != '\0') {
        const std::string v = forced;
        if (v != "0" && v != "1")
            throw Error("LUMEN_SOFTWARE_PREFETCH=" + v + ": use 1 (prefetch weights in software) or 0 (hardware prefetchers only)");
        return {v == "1", std::string(v == "1" ? "software" : "hardware only") + " (LUMEN_SOFTWARE_PREFETCH=" + v + ")"};
    }
    if (f.amd && f.family >= 0x19) return {false, "hardware only (AMD family 19h or later; measured on Zen 4 and Zen 5)"};
    return {true, "software, every line 1-2 KiB ahead"};
}

constexpr IsaRow kRows[] = {
    {Isa::avx2, has_avx2, avx2::fill_kernel_set},
    {Isa::avx512, has_avx512, avx512::fill_kernel_set},
};

}  // namespace

std::span<const IsaRow> isa_rows() { return kRows; }

const PrefetchPolicy& weight_prefetch_policy() {
    static const PrefetchPolicy policy = decide_prefetch();  // immutable after the first call
    return policy;
}

std::vector<std::string> detected_cpu_features() {
    const CpuFlags& f = cpu();
    return present_features({
        {f.sse42, "sse4.2"},     {f.avx, "avx"},           {f.avx2, "avx2"},         {f.fma, "fma"},
        {f.f16c, "f16c"},        {f.avx512f, "avx512f"},   {f.avx512bw, "avx512bw"}, {f.avx512vl, "avx512vl"},
        {f.avx512vnni, "avx512vnni"},
    });
}

std::string cpu_signature() {
    const CpuFlags& f = cpu();
    return f.vendor[0] == '\0' ? std::string() : x86_signature_text({f.vendor, f.family, f.model});
}

// Compiled once per vector width and picked from CPUID (explicit variants
// rather than target_clones: Windows has no ifunc), so the probe reads as fast
// as the CPU can.
__attribute__((target("avx512f"))) uint64_t stream_sum_avx512(const uint64_t* p, size_t n) {
    return stream_sum_body(p, n);
}
__attribute__((target("avx2"))) uint64_t stream_sum_avx2(const uint64_t* p, size_t n) { return stream_sum_body(p, n); }

uint64_t stream_sum(const uint64_t* p, size_t n) {
    if (has_avx512()) return stream_sum_avx512(p, n);
    if (has_avx2()) return stream_sum_avx2(p, n);
    return stream_sum_body(p, n);
}

void spin_pause() { _mm_pause(); }

}  // namespace lumen::kernels
