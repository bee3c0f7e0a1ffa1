// Every SIMD kernel against its scalar twin, on random data, for every type and
// several row lengths. Tolerances (documented in docs/kernels.md):
//  * activation quantizers: bit-identical;
//  * dot products: integer block sums are exact, only the float accumulation
//    order differs: |simd - scalar| <= 2e-6 * sum|w_i * a_i| (+1e-6).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "dispatch.hpp"
#include "isa_rows.hpp"
#include "fp16.hpp"
#include "lumen/tensor_type.hpp"
#include "ops/matmul.hpp"

using namespace lumen;

namespace {

std::vector<float> random_floats(size_t n, uint32_t seed, float scale = 1.f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> dist(0.f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = dist(rng);
    return v;
}

std::vector<std::byte> quantize(const QuantizeRowFn f, TensorType t, const std::vector<float>& x) {
    std::vector<std::byte> out(row_bytes(t, int64_t(x.size())));
    f(x.data(), out.data(), int64_t(x.size()));
    return out;
}

std::vector<Isa> simd_isas() {
    std::vector<Isa> out;
    for (Isa isa : kAllIsas)
        if (isa != Isa::scalar && isa_supported(isa)) out.push_back(isa);
    return out;
}

}  // namespace

TEST_CASE("x86 kernel sets follow the weight-prefetch policy, LUMEN_SOFTWARE_PREFETCH where it is set") {
    const char* forced = std::getenv("LUMEN_SOFTWARE_PREFETCH");
    for (Isa isa : simd_isas()) {
        if (isa != Isa::avx2 && isa != Isa::avx512) continue;
        INFO(isa_name(isa));
        const kernels::KernelSet& ks = kernels::kernel_set(isa);
        CHECK(ks.software_prefetch == kernels::weight_prefetch_policy().software);
        if (forced != nullptr && *forced != '\0') CHECK(ks.software_prefetch == (std::string(forced) == "1"));
    }
}

TEST_CASE("SIMD activation quantizers are bit-identical to the scalar ones") {
    const auto& ref = kernels::kernel_set(Isa::scalar);
    for (Isa isa : simd_isas()) {
        const auto& ks = kernels::kernel_set(isa);
        for (TensorType act : {TensorType::Q8_0, TensorType::Q8_1, TensorType::Q8_K}) {
            for (int64_t n : {256, 512, 2816}) {
                for (uint32_t seed = 1; seed <= 5; ++seed) {
                    INFO(isa_name(isa) << " " << type_name(act) << " n=" << n << " seed=" << seed);
                    auto x = random_floats(size_t(n), seed, seed == 5 ? 1e-3f : 3.f);
                    if (seed == 4) std::fill(x.begin(), x.begin() + 256, 0.f);  // an all-zero block
                    if (seed == 2) {  // ties for the largest magnitude: the first one fixes the scale's sign
                        const size_t last = size_t(n) - 256;
                        x[last + 17] = -40.f, x[last + 56] = 40.f, x[last + 255] = -40.f;
                        x[0] = 50.f, x[1] = -50.f;
                    }
                    CHECK(quantize(ks.activation_quantizer(act), act, x) ==
                          quantize(ref.activation_quantizer(act), act, x));
                }
            }
        }
    }
}

TEST_CASE("SIMD dot products agree with their scalar twins for every type") {
    const auto& ref = kernels::kernel_set(Isa::scalar);
    for (Isa isa : simd_isas()) {
        const auto& ks = kernels::kernel_set(isa);
        for (const TypeTraits& t : all_type_traits()) {
            if (t.vec_dot == nullptr || t.quantize == nullptr) continue;
            const TypeTraits& at = type_traits(t.vec_dot_type);
            for (int64_t blocks : {1, 3, 7, 11}) {
                const int64_t n = blocks * std::max<int64_t>(t.block_size, 256);
                for (uint32_t seed = 1; seed <= 3; ++seed) {
                    INFO(isa_name(isa) << " " << t.name << " n=" << n << " seed=" << seed);
                    const auto w = random_floats(size_t(n), seed);
                    const auto a = random_floats(size_t(n), seed + 100);
                    const auto wq = quantize(t.quantize, t.type, w);
                    const auto aq = quantize(ref.activation_quantizer(at.type), at.type, a);
                    // Magnitude of the sum for the tolerance, from dequantized operands.
                    std::vector<float> wd(static_cast<size_t>(n)), ad(static_cast<size_t>(n));
                    t.dequantize(wq.data(), wd.data(), n);
                    at.dequantize(aq.data(), ad.data(), n);
                    double mag = 0;
                    for (int64_t i = 0; i < n; ++i) mag += std::fabs(double(wd[size_t(i)]) * ad[size_t(i)]);
                    const float want = ref.dot(t.type)(n, wq.data(), aq.data());
                    const float got = ks.dot(t.type)(n, wq.data(), aq.data());
                    CHECK(std::fabs(double(got) - double(want)) <= 2e-6 * mag + 1e-6);
                    // The ARM kernels do every float step of the quantized types in the
                    // scalar order: equal bits (F32/F16 follow the reference's AVX-512 order).
                    if (isa_is_arm(isa) && t.block_size > 1) CHECK(got == want);
                }
            }
        }
    }
}

TEST_CASE("matmul: SIMD equals scalar, odd row counts, results independent of thread count") {
    for (TensorType type : {TensorType::Q4_0, TensorType::Q8_0, TensorType::Q4_K, TensorType::Q6_K,
                            TensorType::F16, TensorType::F32, TensorType::TQ2_0}) {
        const TypeTraits& t = type_traits(type);
        const int64_t rows = 37, cols = 512, n_tokens = 5;
        const auto wf = random_floats(size_t(rows * cols), 9);
        const auto x = random_floats(size_t(n_tokens * cols), 10);
        std::vector<std::byte> wq(row_bytes(type, cols) * rows);
        for (int64_t r = 0; r < rows; ++r) t.quantize(wf.data() + r * cols, wq.data() + r * row_bytes(type, cols), cols);
        const ops::WeightView w{type, wq.data(), rows, cols, row_bytes(type, cols)};
        std::vector<std::byte> scratch;
        ops::ThreadPool one_thread(1), two_threads(2);
        std::vector<float> y_ref(size_t(rows * n_tokens));
        ops::matmul(kernels::kernel_set(Isa::scalar), w, x.data(), n_tokens, y_ref.data(), rows, scratch, one_thread);
        // Each output equals the scalar dot of that row and token.
        const auto& ref = kernels::kernel_set(Isa::scalar);
        std::vector<std::byte> aq(row_bytes(t.vec_dot_type, cols));
        ref.activation_quantizer(t.vec_dot_type)(x.data() + 2 * cols, aq.data(), cols);
        CHECK(y_ref[size_t(2 * rows + 36)] == ref.dot(type)(cols, w.row(36), aq.data()));
        for (Isa isa : simd_isas()) {
            std::vector<float> y1(y_ref.size()), y2(y_ref.size());
            ops::matmul(kernels::kernel_set(isa), w, x.data(), n_tokens, y1.data(), rows, scratch, one_thread);
            ops::matmul(kernels::kernel_set(isa), w, x.data(), n_tokens, y2.data(), rows, scratch, two_threads);
            INFO(isa_name(isa) << " " << t.name);
            CHECK(y1 == y2);
            for (size_t i = 0; i < y1.size(); ++i) CHECK(y1[i] == Approx(y_ref[i]).margin(1e-3).epsilon(1e-4));
        }
    }
}

TEST_CASE("4-token dot kernels equal four single-token dots exactly") {
    for (Isa isa : simd_isas()) {
        const auto& ks = kernels::kernel_set(isa);
        for (const TypeTraits& t : all_type_traits()) {
            if (ks.dot4(t.type) == nullptr || t.quantize == nullptr) continue;  // no quantizer: test_iq_twins.cpp
            const int64_t n = 3 * std::max<int64_t>(t.block_size, 256);
            const auto w = quantize(t.quantize, t.type, random_floats(size_t(n), 5));
            std::vector<std::vector<std::byte>> acts;
            const void* ptrs[4];
            for (int c = 0; c < 4; ++c) {
                acts.push_back(quantize(ks.activation_quantizer(t.vec_dot_type), t.vec_dot_type,
                                        random_floats(size_t(n), 50 + uint32_t(c))));
                ptrs[c] = acts.back().data();
            }
            float four[4];
            ks.dot4(t.type)(n, w.data(), ptrs, four);
            for (int c = 0; c < 4; ++c) {
                INFO(isa_name(isa) << " " << t.name << " token " << c);
                CHECK(four[c] == ks.dot(t.type)(n, w.data(), ptrs[c]));
            }
        }
    }
}

TEST_CASE("packed Q4_0/Q5_0/IQ4_NL/Q8_0/Q4_K/Q5_K/Q6_K/Q3_K/Q2_K/TQ2_0 kernels equal their scalar twin exactly, and the unpacked dot closely") {
  for (TensorType type : {TensorType::Q4_0, TensorType::Q5_0, TensorType::IQ4_NL, TensorType::Q8_0, TensorType::Q4_K,
                          TensorType::Q5_K, TensorType::Q6_K, TensorType::Q3_K, TensorType::Q2_K, TensorType::TQ2_0}) {
    INFO(type_name(type));
    const int64_t rows = 16, cols = 1024, nb = cols / 32;
    const auto wf = random_floats(size_t(rows * cols), 21);
    std::vector<std::byte> w(row_bytes(type, cols) * rows);
    for (int64_t r = 0; r < rows; ++r)
        type_traits(type).quantize(wf.data() + r * cols, w.data() + r * row_bytes(type, cols), cols);
    const size_t group_bytes = kernels::packed_group_bytes(type, cols);
    std::vector<std::byte> packed(group_bytes * size_t(rows / 8));
    kernels::packer(type)(w.data(), packed.data(), rows, cols);
    const auto& ref = kernels::kernel_set(Isa::scalar);
    const TensorType act_type = type_traits(type).vec_dot_type;  // Q8_0, or Q8_K for Q4_K (no block info)
    for (int n_act : {1, 3, 4, 9}) {
        std::vector<std::vector<std::byte>> acts;
        std::vector<std::vector<kernels::ActBlockInfo>> infos;
        std::vector<const void*> ap;
        std::vector<const kernels::ActBlockInfo*> sp;
        for (int c = 0; c < n_act; ++c) {
            acts.push_back(quantize(ref.activation_quantizer(act_type), act_type, random_floats(size_t(cols), 70 + uint32_t(c))));
            if (act_type != TensorType::Q8_0) {
                infos.emplace_back();
                continue;
            }
            std::vector<kernels::ActBlockInfo> info(static_cast<size_t>(nb));
            kernels::describe_q8_0_blocks(reinterpret_cast<const kernels::BlockQ8_0*>(acts.back().data()), nb, info.data());
            infos.push_back(info);
        }
        for (int c = 0; c < n_act; ++c) {
            ap.push_back(acts[size_t(c)].data());
            sp.push_back(infos[size_t(c)].empty() ? nullptr : infos[size_t(c)].data());
        }
        for (int64_t g = 0; g < rows / 8; ++g) {
            std::vector<float> want(size_t(8 * n_act));
            // Written with a row stride wider than 8, as into a matrix.
            const int64_t ldo = 11;
            std::vector<float> wide(size_t(ldo * n_act), -1.f);
            ref.packed(type)(cols, packed.data() + g * group_bytes, ap.data(), sp.data(), n_act, wide.data(), ldo);
            for (int c = 0; c < n_act; ++c) {
                for (int r = 0; r < 8; ++r) want[size_t(c * 8 + r)] = wide[size_t(c * ldo + r)];
                for (int r = 8; r < ldo; ++r) CHECK(wide[size_t(c * ldo + r)] == -1.f);  // nothing past the 8 rows
            }
            for (int c = 0; c < n_act; ++c)
                for (int r = 0; r < 8; ++r) {
                    const void* row = w.data() + (g * 8 + r) * row_bytes(type, cols);
                    const float dot = ref.dot(type)(cols, row, ap[size_t(c)]);
                    CHECK(want[size_t(c * 8 + r)] == Approx(dot).epsilon(1e-5).margin(1e-4));
                    // Packed K-quants follow the reference's x86 per-row kernel step for step: its bits (not Q2_K,
                    // whose twin adds each super-block exactly, then two float steps).
                    if ((type == TensorType::Q4_K || type == TensorType::Q5_K || type == TensorType::Q6_K ||
                         type == TensorType::Q3_K || type == TensorType::TQ2_0) &&
                        isa_supported(Isa::avx2))
                        CHECK(want[size_t(c * 8 + r)] == kernels::kernel_set(Isa::avx2).dot(type)(cols, row, ap[size_t(c)]));
                }
            for (Isa isa : simd_isas()) {
                std::vector<float> got(want.size());
                kernels::kernel_set(isa).packed(type)(cols, packed.data() + g * group_bytes, ap.data(), sp.data(), n_act,
                                                      got.data(), 8);
                INFO(isa_name(isa) << " n_act " << n_act);
                CHECK(got == want);
            }
        }
        // A 16-row kernel (two adjacent groups per call) gives both groups' scalar bits, into a wider stride.
        std::vector<float> want16(size_t(16 * n_act));
        for (int64_t g = 0; g < 2; ++g) {
            std::vector<float> part(size_t(8 * n_act));
            ref.packed(type)(cols, packed.data() + g * group_bytes, ap.data(), sp.data(), n_act, part.data(), 8);
            for (int c = 0; c < n_act; ++c)
                for (int r = 0; r < 8; ++r) want16[size_t(c * 16 + g * 8 + r)] = part[size_t(c * 8 + r)];
        }
        for (Isa isa : simd_isas()) {
            const kernels::PackedGemmFn gemm16 = kernels::kernel_set(isa).packed16(type);
            if (gemm16 == nullptr) continue;
            INFO(isa_name(isa) << " 16 rows, n_act " << n_act);
            const int64_t ldo = 19;
            std::vector<float> wide(size_t(ldo * n_act), -1.f), got(want16.size());
            gemm16(cols, packed.data(), ap.data(), sp.data(), n_act, wide.data(), ldo);
            for (int c = 0; c < n_act; ++c) {
                for (int r = 0; r < 16; ++r) got[size_t(c * 16 + r)] = wide[size_t(c * ldo + r)];
                for (int r = 16; r < ldo; ++r) CHECK(wide[size_t(c * ldo + r)] == -1.f);
            }
            CHECK(got == want16);
        }
    }
  }
}

TEST_CASE("attention helpers over F16 (ordered and GEMM-order dots, weighted V lanes, lane tree, double axpy) are bit-identical to their scalar twins") {
    const kernels::KernelSet& ref = kernels::kernel_set(Isa::scalar);
    for (Isa isa : simd_isas()) {
        const kernels::KernelSet& ks = kernels::kernel_set(isa);
        for (int n : {1, 7, 16, 33, 64, 80, 128, 200, 256}) {
            INFO(isa_name(isa) << " n=" << n);
            const auto xs = random_floats(size_t(n), 11u + uint32_t(n)), ys = random_floats(size_t(n), 12u + uint32_t(n));
            std::vector<uint16_t> x16(static_cast<size_t>(n)), y16(static_cast<size_t>(n));
            for (int i = 0; i < n; ++i) {
                x16[size_t(i)] = kernels::fp32_to_fp16(xs[size_t(i)]);
                y16[size_t(i)] = kernels::fp32_to_fp16(ys[size_t(i)]);
            }
            std::vector<double> ad(size_t(n), 0.25), bd = ad;
            for (float p : {0.3125f, -1.5f, 0.0009765625f}) {
                ks.axpy_f16_f64(ad.data(), p, y16.data(), n);
                ref.axpy_f16_f64(bd.data(), p, y16.data(), n);
            }
            CHECK(ad == bd);

            // Many keys / V rows at a stride (positions of a KV cache), several counts
            // (whole blocks of 16 keys and a tail; whole groups of 4 x n_lanes V rows and a rest).
            const int rows = 600;  // (over 8 x 64: the V kernels' whole spans of lanes)
            const size_t stride = size_t(n) + 5;
            std::vector<uint16_t> kv(size_t(rows) * stride);
            const auto kvf = random_floats(kv.size(), 14u + uint32_t(n));
            for (size_t i = 0; i < kv.size(); ++i) kv[i] = kernels::fp32_to_fp16(kvf[i]);
            for (int count : {5, 70, rows}) {
                std::vector<float> s1(static_cast<size_t>(count)), s2(static_cast<size_t>(count));
                ks.dots_f16_ordered(n, x16.data(), kv.data(), stride, count, s1.data());
                ref.dots_f16_ordered(n, x16.data(), kv.data(), stride, count, s2.data());
                CHECK(s1 == s2);
                if (n % 16 != 0) continue;
                ks.dots_f16_gemm(n, x16.data(), kv.data(), stride, count, s1.data());
                ref.dots_f16_gemm(n, x16.data(), kv.data(), stride, count, s2.data());
                CHECK(s1 == s2);
                CHECK(s2[1] == ref.batch(TensorType::F16)(n, kv.data() + stride, x16.data()));
            }
            // Grouped-query kernels (optional slots): each head equals the one-head scalar kernel.
            const int n_q = 5;
            std::vector<uint16_t> qs(size_t(n_q) * size_t(n));
            const auto qf = random_floats(qs.size(), 18u + uint32_t(n));
            for (size_t i = 0; i < qs.size(); ++i) qs[i] = kernels::fp32_to_fp16(qf[i]);
            for (bool gemm : {false, true}) {
                const auto group = gemm ? ks.dots_f16_gemm_group : ks.dots_f16_ordered_group;
                if (group == nullptr || (gemm && n % 16 != 0)) continue;
                const auto one = gemm ? ref.dots_f16_gemm : ref.dots_f16_ordered;
                for (int count : {5, 70, rows}) {
                    INFO("group scores, gemm order " << gemm << ", keys " << count);
                    std::vector<float> got(size_t(n_q) * size_t(rows) + 3), want(static_cast<size_t>(count));
                    group(n, qs.data(), n_q, kv.data(), stride, count, got.data(), size_t(rows) + 1);
                    for (int g = 0; g < n_q; ++g) {
                        one(n, qs.data() + size_t(g) * size_t(n), kv.data(), stride, count, want.data());
                        CHECK(std::equal(want.begin(), want.end(), got.begin() + long(size_t(g) * (size_t(rows) + 1))));
                    }
                }
            }
            std::vector<float> lanes1 = random_floats(size_t(64 * n), 17u), lanes2 = lanes1;
            std::vector<float> o1(static_cast<size_t>(n)), o2(static_cast<size_t>(n));
            ks.reduce_lanes64(lanes1.data(), n, o1.data());
            ref.reduce_lanes64(lanes2.data(), n, o2.data());
            CHECK(o1 == o2);
            // Probabilities with a wide range, some of them F16 subnormal or zero once scaled.
            auto probs = random_floats(size_t(rows), 15u);
            for (size_t i = 0; i < probs.size(); i += 7) probs[i] *= 1e-6f;
            probs[3] = 0.f;
            for (int n_lanes : {16, 64})
                for (int n_pos : {0, 1, 17, 64, 255, 256, 530, rows}) {
                    INFO("lanes " << n_lanes << " positions " << n_pos);
                    std::vector<float> w1 = random_floats(size_t(n_lanes * n), 16u), w2 = w1;
                    ks.weighted_lanes_f16(w1.data(), n_lanes, probs.data(), 0.7f, kv.data(), stride, n_pos, n);
                    ref.weighted_lanes_f16(w2.data(), n_lanes, probs.data(), 0.7f, kv.data(), stride, n_pos, n);
                    CHECK(w1 == w2);
                    if (ks.weighted_lanes_f16_group == nullptr) continue;
                    // n_q heads at once (probabilities of head g shifted by g, scales differ)
                    const size_t ls = size_t(n_lanes * n) + 7;
                    std::vector<float> g1 = random_floats(ls * 3, 19u), g2 = g1;
                    const float scales[3] = {0.7f, 1.3f, 0.01f};
                    ks.weighted_lanes_f16_group(g1.data(), ls, n_lanes, probs.data(), 1, scales, 3, kv.data(), stride, std::min(n_pos, rows - 2), n);
                    for (int g = 0; g < 3; ++g)
                        ref.weighted_lanes_f16(g2.data() + size_t(g) * ls, n_lanes, probs.data() + g, scales[g], kv.data(), stride,
                                               std::min(n_pos, rows - 2), n);
                    CHECK(g1 == g2);
                }
        }
    }
}

// A score that is exactly zero is +0 in the reference (its lanes start from +0),
// also when every product is -0 or the products cancel; the SIMD kernels, which
// may start a sum from a product, must give the same bits.
TEST_CASE("F16 scores that are exactly zero are +0 on every ISA, one head and grouped") {
    const kernels::KernelSet& ref = kernels::kernel_set(Isa::scalar);
    for (int n : {64, 128, 256}) {
        const int rows = 37, n_q = 3;
        std::vector<uint16_t> q(size_t(n_q) * size_t(n)), k(size_t(rows) * size_t(n));
        for (size_t i = 0; i < q.size(); ++i) {  // head 0 positive, head 1 alternating, head 2 negative
            const size_t g = i / size_t(n);
            q[i] = kernels::fp32_to_fp16(g == 0 ? 0.75f : g == 2 ? -1.5f : i % 2 ? -1.5f : 0.75f);
        }
        for (int j = 0; j < rows; ++j)
            for (int i = 0; i < n; ++i) {
                float v = 0.f;  // row 0 mod 3: +0 (products -0 and +0)
                if (j % 3 == 1) v = -0.f;
                if (j % 3 == 2) v = (i / 2) % 2 ? -2.f : 2.f;  // pairs that cancel exactly in every lane order
                k[size_t(j) * size_t(n) + size_t(i)] = kernels::fp32_to_fp16(v);
            }
        std::vector<float> want(size_t(n_q) * size_t(rows));
        for (int g = 0; g < n_q; ++g) ref.dots_f16_ordered(n, q.data() + g * n, k.data(), size_t(n), rows, want.data() + g * rows);
        for (float w : want) REQUIRE((w == 0.f && !std::signbit(w)));
        for (Isa isa : simd_isas()) {
            INFO(isa_name(isa) << " n=" << n);
            const kernels::KernelSet& ks = kernels::kernel_set(isa);
            for (bool gemm : {false, true}) {
                std::vector<float> one(want.size(), 1.f), group(want.size(), 1.f);
                const auto one_fn = gemm ? ks.dots_f16_gemm : ks.dots_f16_ordered;
                const auto group_fn = gemm ? ks.dots_f16_gemm_group : ks.dots_f16_ordered_group;
                for (int g = 0; g < n_q; ++g) one_fn(n, q.data() + g * n, k.data(), size_t(n), rows, one.data() + g * rows);
                CHECK(std::memcmp(one.data(), want.data(), want.size() * sizeof(float)) == 0);
                if (group_fn == nullptr) continue;
                group_fn(n, q.data(), n_q, k.data(), size_t(n), rows, group.data(), size_t(rows));
                CHECK(std::memcmp(group.data(), want.data(), want.size() * sizeof(float)) == 0);
            }
        }
    }
}

// F32/F16 weights times a prompt batch in the reference's GEMM order
// (KernelSet::batch_dot): every ISA gives the portable kernel's bits, and
// ops::matmul takes it exactly for the rows marked as part of a batch.
TEST_CASE("prompt-GEMM-order float dots are bit-identical across ISAs and matmul uses them per batch row") {
    const kernels::KernelSet& ref = kernels::kernel_set(Isa::scalar);
    for (TensorType type : {TensorType::F32, TensorType::F16}) {
        REQUIRE(ref.batch(type) != nullptr);
        for (int n : {16, 32, 48, 64, 256, 1040}) {
            const auto w = quantize(ref.activation_quantizer(type), type, random_floats(size_t(n), 21u + uint32_t(n)));
            const auto a = quantize(ref.activation_quantizer(type), type, random_floats(size_t(n), 22u + uint32_t(n)));
            const float expect = ref.batch(type)(n, w.data(), a.data());
            for (Isa isa : simd_isas()) {
                INFO(isa_name(isa) << " " << type_traits(type).name << " n=" << n);
                CHECK(kernels::kernel_set(isa).batch(type)(n, w.data(), a.data()) == expect);
            }
        }
    }
    // 8 rows x 64 columns of F32, 3 tokens: the middle one marked as not in a batch.
    const int rows = 8, cols = 64, n_tokens = 3;
    const auto wf = random_floats(size_t(rows * cols), 31u), x = random_floats(size_t(n_tokens * cols), 32u);
    const ops::WeightView w{TensorType::F32, wf.data(), rows, cols, size_t(cols) * sizeof(float)};
    const uint8_t batch_rows[n_tokens] = {1, 0, 1};
    for (Isa isa : kAllIsas) {
        if (!isa_supported(isa)) continue;
        const kernels::KernelSet& ks = kernels::kernel_set(isa);
        std::vector<float> y(size_t(n_tokens * rows));
        std::vector<std::byte> scratch;
        ops::ThreadPool one_thread(1);
        ops::matmul(ks, w, x.data(), n_tokens, y.data(), rows, scratch, one_thread, batch_rows);
        for (int t = 0; t < n_tokens; ++t)
            for (int r = 0; r < rows; ++r) {
                const VecDotFn d = batch_rows[t] ? ks.batch(TensorType::F32) : ks.dot(TensorType::F32);
                CHECK(y[size_t(t * rows + r)] == d(cols, wf.data() + r * cols, x.data() + t * cols));
            }
    }
}

// Attention over a Q8_0 KV cache: the steps are defined so that every ISA gives
// the scalar twins' bits (kernels/q8_cache_math.hpp); the twins themselves are
// checked against sums in double.
TEST_CASE("attention over a Q8_0 cache: every ISA equals the scalar twins bit for bit, the twins the exact sums closely") {
    const kernels::KernelSet& ref = kernels::kernel_set(Isa::scalar);
    const auto quant = type_traits(TensorType::Q8_0).quantize;
    const auto dequant = type_traits(TensorType::Q8_0).dequantize;
    for (int n : {32, 64, 128, 256, 544}) {  // 544: 17 blocks, past the SIMD kernels' limit
        const int rows = 37, max_q = 33;
        const size_t row = row_bytes(TensorType::Q8_0, n), stride = row + 6;  // rows at odd offsets
        std::vector<std::byte> kv(size_t(rows) * stride), qs(size_t(max_q) * row);
        for (int j = 0; j < rows; ++j) {  // magnitudes from 1e-3 to 1e2 across rows
            const auto x = random_floats(size_t(n), 40u + uint32_t(j), std::pow(10.f, float(j % 6) - 3.f));
            quant(x.data(), kv.data() + size_t(j) * stride, n);
        }
        const auto qf = random_floats(size_t(max_q) * size_t(n), 41u);
        for (int g = 0; g < max_q; ++g) ref.activation_quantizer(TensorType::Q8_0)(qf.data() + size_t(g) * size_t(n), qs.data() + size_t(g) * row, n);
        auto probs = random_floats(size_t(max_q) * size_t(rows), 42u);
        for (size_t i = 0; i < probs.size(); ++i) probs[i] = std::fabs(probs[i]) * (i % 5 == 0 ? 1e-30f : 1.f);
        probs[4] = 0.f;
        std::vector<float> scales(static_cast<size_t>(max_q));
        for (int g = 0; g < max_q; ++g) scales[size_t(g)] = 0.37f + 0.11f * float(g);
        for (int n_q : {1, 3, max_q})
            for (int count : {0, 1, 7, 8, 9, rows}) {
                INFO("n=" << n << " heads " << n_q << " keys " << count);
                const size_t ss = size_t(rows) + 3;
                std::vector<float> want(size_t(n_q) * ss, -1.f), want_v = random_floats(size_t(n_q) * size_t(n), 43u);
                ref.dots_q8_0(n, qs.data(), n_q, kv.data(), stride, count, want.data(), ss);
                const std::vector<float> v_start = want_v;
                ref.weighted_sum_q8_0(want_v.data(), probs.data(), size_t(rows), scales.data(), n_q, kv.data(), stride, count, n);
                // The twins against double sums: scores within float rounding of the block sums,
                // V within the 16-bit weights' rounding.
                std::vector<float> kf(static_cast<size_t>(n)), qv(static_cast<size_t>(n));
                for (int g = 0; g < n_q; ++g) {
                    dequant(qs.data() + size_t(g) * row, qv.data(), n);
                    std::vector<double> v_sum(static_cast<size_t>(n)), v_abs(static_cast<size_t>(n));
                    for (int j = 0; j < count; ++j) {
                        dequant(kv.data() + size_t(j) * stride, kf.data(), n);
                        double dot = 0, mag = 0;
                        for (int i = 0; i < n; ++i) {
                            dot += double(kf[size_t(i)]) * qv[size_t(i)];
                            mag += std::fabs(double(kf[size_t(i)]) * qv[size_t(i)]);
                        }
                        CHECK(std::fabs(want[size_t(g) * ss + size_t(j)] - dot) <= 1e-6 * mag + 1e-30);
                        const double pj = double(probs[size_t(g) * size_t(rows) + size_t(j)]) * scales[size_t(g)];
                        for (int i = 0; i < n; ++i) {
                            v_sum[size_t(i)] += pj * kf[size_t(i)];
                            v_abs[size_t(i)] += std::fabs(pj * kf[size_t(i)]);
                        }
                    }
                    for (int i = 0; i < n; ++i) {
                        const double got = double(want_v[size_t(g) * size_t(n) + size_t(i)]) - v_start[size_t(g) * size_t(n) + size_t(i)];
                        CHECK(std::fabs(got - v_sum[size_t(i)]) <=
                              4e-5 * v_abs[size_t(i)] + 1e-6 * std::fabs(v_start[size_t(g) * size_t(n) + size_t(i)]) + 1e-37);
                    }
                }
                for (Isa isa : simd_isas()) {
                    INFO(isa_name(isa));
                    const kernels::KernelSet& ks = kernels::kernel_set(isa);
                    std::vector<float> got(want.size(), -1.f), got_v = v_start;
                    ks.dots_q8_0(n, qs.data(), n_q, kv.data(), stride, count, got.data(), ss);
                    CHECK(got == want);
                    ks.weighted_sum_q8_0(got_v.data(), probs.data(), size_t(rows), scales.data(), n_q, kv.data(), stride, count, n);
                    CHECK(got_v == want_v);
                }
            }
    }
}
