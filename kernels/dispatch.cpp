// Run-time ISA detection and the per-ISA kernel sets.
#include "dispatch.hpp"

#include <cstdlib>
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

bool isa_supported(Isa isa) {
    switch (isa) {
        case Isa::scalar: return true;
#if defined(__x86_64__) || defined(__i386__)
        case Isa::avx2:
            return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                   __builtin_cpu_supports("f16c");
        case Isa::avx512:
            return isa_supported(Isa::avx2) && __builtin_cpu_supports("avx512f") &&
                   __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
                   __builtin_cpu_supports("avx512vnni");
#else
        default: return false;
#endif
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
    std::vector<std::string> out;
#if defined(__x86_64__) || defined(__i386__)
    if (__builtin_cpu_supports("sse4.2")) out.push_back("sse4.2");
    if (__builtin_cpu_supports("avx")) out.push_back("avx");
    if (__builtin_cpu_supports("avx2")) out.push_back("avx2");
    if (__builtin_cpu_supports("fma")) out.push_back("fma");
    if (__builtin_cpu_supports("f16c")) out.push_back("f16c");
    if (__builtin_cpu_supports("avx512f")) out.push_back("avx512f");
    if (__builtin_cpu_supports("avx512bw")) out.push_back("avx512bw");
    if (__builtin_cpu_supports("avx512vl")) out.push_back("avx512vl");
    if (__builtin_cpu_supports("avx512vnni")) out.push_back("avx512vnni");
#endif
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
    ks.axpy_f16 = ref::axpy_f16;
    ks.axpy_f16_f64 = ref::axpy_f16_f64;
    ks.dot_f16_ordered = ref::dot_f16_ordered;
    ks.packed_gemm[size_t(TensorType::Q4_0)] = ref::gemm_q4_0_x8;
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
