// Every SIMD i-quant / TQ1_0 dot product against its scalar twin, on random
// blocks (kernels/random_blocks.hpp) and Q8_K activations, for several row lengths:
//  * TQ1_0 on x86 and every ARM kernel sum in integers and combine in float in
//    the scalar order: bit-identical;
//  * the grid types and IQ4_XS keep float lanes across blocks (the reference's
//    x86 order): |simd - scalar| <= 2e-6 * sum|w_i * a_i| (+1e-6), as the K-quants;
//  * the four-row kernels give exactly what four one-row calls give.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "dispatch.hpp"
#include "fp16.hpp"
#include "lumen/tensor_type.hpp"
#include "random_blocks.hpp"

using namespace lumen;

namespace {

constexpr TensorType kIqTypes[] = {TensorType::IQ2_XXS, TensorType::IQ2_XS, TensorType::IQ2_S,
                                   TensorType::IQ3_XXS, TensorType::IQ3_S,  TensorType::IQ1_S,
                                   TensorType::IQ1_M,   TensorType::IQ4_XS, TensorType::TQ1_0};

std::vector<std::byte> random_q8_k(int64_t n, std::mt19937& rng) {
    std::normal_distribution<float> dist(0.f, 1.f);
    std::vector<float> x(static_cast<size_t>(n));
    for (auto& v : x) v = dist(rng);
    std::vector<std::byte> a(row_bytes(TensorType::Q8_K, n));
    type_traits(TensorType::Q8_K).quantize(x.data(), a.data(), n);
    return a;
}

// sum |w_i * a_i| from the dequantized values, the scale of the rounding bound.
double magnitude(TensorType t, const std::vector<std::byte>& w, const std::vector<std::byte>& a, int64_t n) {
    std::vector<float> wf(static_cast<size_t>(n)), af(static_cast<size_t>(n));
    type_traits(t).dequantize(w.data(), wf.data(), n);
    type_traits(TensorType::Q8_K).dequantize(a.data(), af.data(), n);
    double m = 0;
    for (int64_t i = 0; i < n; ++i) m += std::fabs(double(wf[size_t(i)]) * double(af[size_t(i)]));
    return m;
}

// Kernels that follow the scalar float order (the others keep the reference's x86 lanes).
bool scalar_order(Isa isa, TensorType t) {
    return t == TensorType::TQ1_0 || isa == Isa::neon || isa == Isa::dotprod || isa == Isa::i8mm;
}

}  // namespace

TEST_CASE("iq twins: SIMD i-quant and TQ1_0 dot products against the scalar ones") {
    const auto& ref = kernels::kernel_set(Isa::scalar);
    std::mt19937 rng(20);
    int compared = 0;
    for (Isa isa : kAllIsas) {
        if (isa == Isa::scalar || !isa_supported(isa)) continue;
        const auto& ks = kernels::kernel_set(isa);
        for (TensorType t : kIqTypes) {
            if (ks.dot(t) == ref.dot(t)) continue;  // this ISA has no kernel of its own for t
            for (int64_t n : {256, 512, 2816}) {
                INFO(isa_name(isa) << " " << type_name(t) << " n=" << n);
                const auto w = kernels::random_iq_blocks(t, n, rng);
                std::vector<std::byte> act[4];
                for (auto& a : act) a = random_q8_k(n, rng);
                const void* ap[4] = {act[0].data(), act[1].data(), act[2].data(), act[3].data()};
                float one[4];
                for (int c = 0; c < 4; ++c) {
                    const float want = ref.dot(t)(n, w.data(), ap[c]);
                    one[c] = ks.dot(t)(n, w.data(), ap[c]);
                    if (scalar_order(isa, t))
                        CHECK(one[c] == want);
                    else
                        CHECK(std::fabs(double(one[c]) - double(want)) <= 2e-6 * magnitude(t, w, act[c], n) + 1e-6);
                }
                if (const auto dot4 = ks.dot4(t)) {
                    float four[4];
                    dot4(n, w.data(), ap, four);
                    for (int c = 0; c < 4; ++c) CHECK(four[c] == one[c]);
                }
                ++compared;
            }
        }
    }
    if (compared == 0) WARN("no SIMD i-quant kernels on this CPU; nothing compared");
}
