// The x86 K-quant and TQ2_0 dots give the same bits on every x86 ISA: the
// AVX-512 set's Q2_K/Q4_K/Q6_K take two 32-weight runs per 512-bit
// instruction (kernels/x86/avx512_kquant_sums.inl) but must put every int32
// partial sum into the same lane as the AVX2 kernels, so the float steps and
// the result are identical (their closeness to the scalar twin is
// test_kernels_simd.cpp's). Weights are both quantized Gaussians and raw
// random bytes (every scale, minimum and quant bit pattern), 1-token and
// 4-token kernels.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>
#include <random>

#include "blocks.hpp"
#include "dispatch.hpp"
#include "fp16.hpp"
#include "lumen/tensor_type.hpp"

using namespace lumen;

namespace {

struct KQuant {
    TensorType type;
    size_t block_bytes;
    std::vector<size_t> f16_fields;  // offsets of the F16 scales inside a block
};

const std::vector<KQuant>& kquants() {
    using namespace kernels;
    static const std::vector<KQuant> all = {
        {TensorType::Q2_K, sizeof(BlockQ2_K), {offsetof(BlockQ2_K, d), offsetof(BlockQ2_K, dmin)}},
        {TensorType::Q3_K, sizeof(BlockQ3_K), {offsetof(BlockQ3_K, d)}},
        {TensorType::Q4_K, sizeof(BlockQ4_K), {offsetof(BlockQ4_K, d), offsetof(BlockQ4_K, dmin)}},
        {TensorType::Q5_K, sizeof(BlockQ5_K), {offsetof(BlockQ5_K, d), offsetof(BlockQ5_K, dmin)}},
        {TensorType::Q6_K, sizeof(BlockQ6_K), {offsetof(BlockQ6_K, d)}},
        {TensorType::TQ2_0, sizeof(BlockTQ2_0), {offsetof(BlockTQ2_0, d)}},
    };
    return all;
}

std::vector<float> gaussian(size_t n, uint32_t seed, float scale) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

// Raw random blocks with finite F16 scales drawn from a small range.
std::vector<std::byte> random_blocks(const KQuant& k, int64_t blocks, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<std::byte> out(k.block_bytes * size_t(blocks));
    for (auto& b : out) b = std::byte(rng() & 0xFF);
    std::uniform_real_distribution<float> scale(1e-3f, 0.1f);
    for (int64_t i = 0; i < blocks; ++i)
        for (size_t off : k.f16_fields) {
            const uint16_t h = kernels::fp32_to_fp16(scale(rng));
            std::memcpy(out.data() + size_t(i) * k.block_bytes + off, &h, 2);
        }
    return out;
}

}  // namespace

TEST_CASE("x86 K-quant dots give the same bits on AVX2 and AVX-512 (1 and 4 tokens)") {
    if (!isa_supported(Isa::avx2)) return;  // not an x86 machine with AVX2: nothing to compare
    const auto& base = kernels::kernel_set(Isa::avx2);
    const auto& ref = kernels::kernel_set(Isa::scalar);
    std::vector<Isa> others;
    for (Isa isa : kAllIsas)
        if (isa != Isa::scalar && isa != Isa::avx2 && !isa_is_arm(isa) && isa_supported(isa)) others.push_back(isa);
    for (const KQuant& k : kquants()) {
        const TypeTraits& t = type_traits(k.type);
        const QuantizeRowFn quantize_act = ref.activation_quantizer(t.vec_dot_type);
        for (int64_t blocks : {1, 3, 8, 11}) {
            const int64_t n = blocks * 256;
            for (uint32_t seed = 1; seed <= 4; ++seed) {
                std::vector<std::byte> w;
                if (seed % 2 == 1) {
                    const auto wf = gaussian(size_t(n), seed, 1.f);
                    w.resize(row_bytes(k.type, n));
                    t.quantize(wf.data(), w.data(), n);
                } else {
                    w = random_blocks(k, blocks, seed);
                }
                std::vector<std::vector<std::byte>> acts(4, std::vector<std::byte>(row_bytes(t.vec_dot_type, n)));
                const void* ptrs[4];
                for (int c = 0; c < 4; ++c) {
                    auto af = gaussian(size_t(n), 100 * seed + uint32_t(c), 2.f);
                    if (c == 3) af[size_t(n) / 2] = 1e3f;  // one outlier: the other values quantize small
                    quantize_act(af.data(), acts[size_t(c)].data(), n);
                    ptrs[c] = acts[size_t(c)].data();
                }
                float want[4], want4[4];
                for (int c = 0; c < 4; ++c) want[c] = base.dot(k.type)(n, w.data(), ptrs[c]);
                base.dot4(k.type)(n, w.data(), ptrs, want4);
                for (int c = 0; c < 4; ++c) REQUIRE(want4[c] == want[c]);
                for (Isa isa : others) {
                    INFO(isa_name(isa) << " " << t.name << " n=" << n << " seed=" << seed);
                    const auto& ks = kernels::kernel_set(isa);
                    float got4[4];
                    ks.dot4(k.type)(n, w.data(), ptrs, got4);
                    for (int c = 0; c < 4; ++c) {
                        CHECK(ks.dot(k.type)(n, w.data(), ptrs[c]) == want[c]);
                        CHECK(got4[c] == want[c]);
                    }
                }
            }
        }
    }
}
