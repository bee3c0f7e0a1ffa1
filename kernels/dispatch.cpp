// Run-time ISA detection and the per-ISA kernel sets.
#include "dispatch.hpp"

#include <cstdlib>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <string>

#include "lumen/error.hpp"
#include "scalar/reference.hpp"

namespace lumen {

const char* isa_name(Isa isa) {
    switch (isa) {
        case Isa::scalar: return "scalar";
        case Isa::avx2: return "avx2";
        case Isa::avx512: return "avx512";
    }
    return "unknown";
}

std::optional<Isa> parse_isa(std::string_view name) {
    for (Isa isa : {Isa::scalar, Isa::avx2, Isa::avx512})
        if (name == isa_name(isa)) return isa;
    return std::nullopt;
}

namespace {

// CPU features from CPUID, trusted only when the OS saves the matching
// register state (XGETBV): AVX needs XMM+YMM state, AVX-512 also opmask and ZMM.
struct CpuFlags {
    bool sse42 = false, avx = false, avx2 = false, fma = false, f16c = false;
    bool avx512f = false, avx512bw = false, avx512vl = false, avx512vnni = false;
};

CpuFlags detect_cpu() {
    CpuFlags f;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
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
#endif
    return f;
}

const CpuFlags& cpu() {
    static const CpuFlags flags = detect_cpu();  // immutable after the first call
    return flags;
}

}  // namespace

bool isa_supported(Isa isa) {
    const CpuFlags& f = cpu();
    switch (isa) {
        case Isa::scalar: return true;
        case Isa::avx2: return f.avx2 && f.fma && f.f16c;
        case Isa::avx512: return f.avx2 && f.fma && f.f16c && f.avx512f && f.avx512bw && f.avx512vl && f.avx512vnni;
    }
    return false;
}

Isa best_isa() {
    if (isa_supported(Isa::avx512)) return Isa::avx512;
    if (isa_supported(Isa::avx2)) return Isa::avx2;
    return Isa::scalar;
}

Isa default_isa() {
    const char* forced = std::getenv("LUMEN_FORCE_ISA");
    if (forced == nullptr || *forced == '\0') return best_isa();
    const auto isa = parse_isa(forced);
    if (!isa) throw Error(std::string("LUMEN_FORCE_ISA=") + forced + ": unknown (use scalar, avx2 or avx512)");
    if (!isa_supported(*isa)) throw Error(std::string("LUMEN_FORCE_ISA=") + forced + ": this CPU cannot run it");
    return *isa;
}

std::vector<std::string> cpu_features() {
    const CpuFlags& f = cpu();
    std::vector<std::string> out;
    const std::pair<bool, const char*> all[] = {
        {f.sse42, "sse4.2"},     {f.avx, "avx"},           {f.avx2, "avx2"},         {f.fma, "fma"},
        {f.f16c, "f16c"},        {f.avx512f, "avx512f"},   {f.avx512bw, "avx512bw"}, {f.avx512vl, "avx512vl"},
        {f.avx512vnni, "avx512vnni"},
    };
    for (const auto& [has, name] : all)
        if (has) out.push_back(name);
    return out;
}

namespace kernels {

namespace {

KernelSet scalar_set() {
    KernelSet ks;
    ks.isa = Isa::scalar;
    for (const TypeTraits& t : all_type_traits()) ks.set(t.type, t.vec_dot);
    // Activation formats: the run-time quantizers where they differ from the file quantizer.
    for (const TypeTraits& t : all_type_traits()) ks.set_activation(t.type, t.quantize);
    ks.set_activation(TensorType::Q8_0, ref::quant_act_q8_0);
    ks.set_activation(TensorType::Q8_1, ref::quant_act_q8_1);
    ks.axpy_f16_f64 = ref::axpy_f16_f64;
    ks.dots_f16_ordered = ref::dots_f16_ordered;
    ks.weighted_sum_f16 = ref::weighted_sum_f16;
    ks.reduce_lanes64 = ref::reduce_lanes64;
    ks.packed_gemm[size_t(TensorType::Q4_0)] = ref::gemm_q4_0_x8;
    ks.packed_gemm[size_t(TensorType::Q5_0)] = ref::gemm_q5_0_x8;
    ks.packed_gemm[size_t(TensorType::IQ4_NL)] = ref::gemm_iq4_nl_x8;
    ks.packed_gemm[size_t(TensorType::Q8_0)] = ref::gemm_q8_0_x8;
    return ks;
}

KernelSet build(Isa isa) {
    KernelSet ks = scalar_set();
    ks.isa = isa;
    if (isa == Isa::avx2) avx2::fill_kernel_set(ks);
    if (isa == Isa::avx512) avx512::fill_kernel_set(ks);
    return ks;
}

}  // namespace

const KernelSet& kernel_set(Isa isa) {
    if (!isa_supported(isa)) throw Error(std::string("this CPU cannot run the ") + isa_name(isa) + " kernels");
    // Built once, then read-only: safe to share between threads.
    static const KernelSet sets[] = {build(Isa::scalar), isa_supported(Isa::avx2) ? build(Isa::avx2) : scalar_set(),
                                     isa_supported(Isa::avx512) ? build(Isa::avx512) : scalar_set()};
    return sets[int(isa)];
}

}  // namespace kernels
}  // namespace lumen
