// Run-time ISA choice and the per-ISA kernel sets. Knows no instruction set:
// the rows of the architecture built for (isa_rows.hpp) say what exists.
#include "dispatch.hpp"

#include <cstdlib>
#include <string>

#include "isa_rows.hpp"
#include "lumen/error.hpp"
#include "scalar/reference.hpp"

namespace lumen {

const char* isa_name(Isa isa) {
    switch (isa) {
        case Isa::scalar: return "scalar";
        case Isa::avx2: return "avx2";
        case Isa::avx512: return "avx512";
        case Isa::neon: return "neon";
        case Isa::dotprod: return "dotprod";
        case Isa::i8mm: return "i8mm";
    }
    return "unknown";
}

std::optional<Isa> parse_isa(std::string_view name) {
    for (Isa isa : kAllIsas)
        if (name == isa_name(isa)) return isa;
    return std::nullopt;
}

namespace {

const kernels::IsaRow* find_row(Isa isa) {
    for (const auto& row : kernels::isa_rows())
        if (row.isa == isa) return &row;
    return nullptr;
}

}  // namespace

bool isa_supported(Isa isa) {
    if (isa == Isa::scalar) return true;
    const kernels::IsaRow* row = find_row(isa);
    return row != nullptr && row->supported();
}

Isa best_isa() {
    Isa best = Isa::scalar;
    for (const auto& row : kernels::isa_rows())
        if (row.supported()) best = row.isa;
    return best;
}

Isa default_isa() {
    const char* forced = std::getenv("LUMEN_FORCE_ISA");
    if (forced == nullptr || *forced == '\0') return best_isa();
    const auto isa = parse_isa(forced);
    if (!isa) {
        std::string names;
        for (Isa i : kAllIsas) names += std::string(names.empty() ? "" : ", ") + isa_name(i);
        throw Error(std::string("LUMEN_FORCE_ISA=") + forced + ": unknown (use one of " + names + ")");
    }
    if (!isa_supported(*isa)) throw Error(std::string("LUMEN_FORCE_ISA=") + forced + ": this CPU cannot run it");
    return *isa;
}

std::vector<std::string> cpu_features() { return kernels::detected_cpu_features(); }

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
    ks.dots_f16_gemm = ref::dots_f16_gemm;
    ks.weighted_lanes_f16 = ref::weighted_lanes_f16;
    ks.reduce_lanes64 = ref::reduce_lanes64;
    ks.dots_q8_0 = ref::dots_q8_0;
    ks.weighted_sum_q8_0 = ref::weighted_sum_q8_0;
    ks.exp_sum = ref::exp_sum;
    ks.silu_mul = ref::silu_mul;
    ks.scale_max = ref::scale_max;
    ks.batch_dot[size_t(TensorType::F32)] = ref::dot_f32_lanes16;
    ks.batch_dot[size_t(TensorType::F16)] = ref::dot_f16_lanes16;
    ks.packed_gemm[size_t(TensorType::Q4_0)] = ref::gemm_q4_0_x8;
    ks.packed_gemm[size_t(TensorType::Q5_0)] = ref::gemm_q5_0_x8;
    ks.packed_gemm[size_t(TensorType::IQ4_NL)] = ref::gemm_iq4_nl_x8;
    ks.packed_gemm[size_t(TensorType::Q8_0)] = ref::gemm_q8_0_x8;
    ks.packed_gemm[size_t(TensorType::Q4_K)] = ref::gemm_q4_k_x8;
    ks.packed_gemm[size_t(TensorType::Q5_K)] = ref::gemm_q5_k_x8;
    ks.packed_gemm[size_t(TensorType::Q2_K)] = ref::gemm_q2_k_x8;
    ks.packed_gemm[size_t(TensorType::Q6_K)] = ref::gemm_q6_k_x8;
    ks.packed_gemm[size_t(TensorType::Q3_K)] = ref::gemm_q3_k_x8;
    ks.packed_gemm[size_t(TensorType::TQ2_0)] = ref::gemm_tq2_0_x8;
    return ks;
}

KernelSet build(Isa isa) {
    KernelSet ks = scalar_set();
    ks.isa = isa;
    ks.software_prefetch = weight_prefetch_policy().software;
    if (const IsaRow* row = find_row(isa); row != nullptr && row->supported()) row->fill(ks);
    return ks;
}

std::array<KernelSet, std::size(kAllIsas)> build_all() {
    std::array<KernelSet, std::size(kAllIsas)> sets;
    for (size_t i = 0; i < sets.size(); ++i) sets[i] = build(kAllIsas[i]);
    return sets;
}

}  // namespace

const KernelSet& kernel_set(Isa isa) {
    if (!isa_supported(isa)) throw Error(std::string("this CPU cannot run the ") + isa_name(isa) + " kernels");
    // Built once, then read-only: safe to share between threads.
    static const std::array<KernelSet, std::size(kAllIsas)> sets = build_all();
    return sets[size_t(isa)];
}

}  // namespace kernels
}  // namespace lumen
