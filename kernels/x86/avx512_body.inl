// The AVX-512 kernel body (part of avx512.cpp, which includes it once per
// weight-prefetch policy: kSoftwarePrefetch): the shared x86 kernels and the
// ones only this ISA has, and fill_variant, which puts them in a kernel set.

using SimdArch = xsimd::fma3<xsimd::avx2>;  // the element-wise kernels (simd_elementwise.inl): xsimd 8.1
// has no fused fma for its AVX-512 batches (x * y + z), so these stay 8 lanes wide

#include "x86/x86_kernels.inl"
#include "x86/avx512_kquant_sums.inl"
#include "x86/avx512_packed_q4_0.inl"
#include "x86/avx512_packed_q2_k.inl"  // after the Q4_0 file (load_pair, cvtph16)
#include "x86/avx512_packed_q4_k.inl"  // after avx512_kquant_sums.inl (madd_acc512) and the Q4_0 file (load_pair, cvtph16)
#include "x86/avx512_packed_q8_0.inl"  // after the Q4_0 file (load_pair, cvtph16)
#include "x86/avx512_packed_tq2_0.inl"  // after the Q4_0 file (load_pair, cvtph16)
#include "x86/avx512_packed_q6_k.inl"  // after avx512_kquant_sums.inl (madd_acc512) and the Q4_0 file
#include "x86/avx512_packed_q3_k.inl"  // the same

namespace {

// F32 and F16 dot products with 512-bit registers in the order of the
// reference's AVX-512 build: 4 accumulators of 16 lanes over chunks of 64
// (fused multiply-add), added 0+2, 1+3, 0+1, then halving the 16 lanes; the
// tail past the last whole chunk is added in float (F32) or double (F16).
// Same order, same bits.
inline float reduce_4x16(__m512 a0, __m512 a1, __m512 a2, __m512 a3) {
    a0 = _mm512_add_ps(a0, a2);
    a1 = _mm512_add_ps(a1, a3);
    a0 = _mm512_add_ps(a0, a1);
    const __m256 h = _mm256_add_ps(_mm512_extractf32x8_ps(a0, 1), _mm512_castps512_ps256(a0));
    const __m128 q = _mm_add_ps(_mm256_extractf128_ps(h, 1), _mm256_castps256_ps128(h));
    const __m128 p = _mm_add_ps(_mm_shuffle_ps(q, q, _MM_SHUFFLE(1, 0, 3, 2)), q);
    return _mm_cvtss_f32(_mm_add_ss(_mm_shuffle_ps(p, p, _MM_SHUFFLE(0, 0, 0, 1)), p));
}

float dot_f32_512(int64_t n, const void* wv, const void* av) {
    const float* w = static_cast<const float*>(wv);
    const float* a = static_cast<const float*>(av);
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    const int64_t np = n & ~int64_t(63);
    for (int64_t i = 0; i < np; i += 64)
        for (int j = 0; j < 4; ++j)
            acc[j] = _mm512_fmadd_ps(_mm512_loadu_ps(w + i + 16 * j), _mm512_loadu_ps(a + i + 16 * j), acc[j]);
    float sum = reduce_4x16(acc[0], acc[1], acc[2], acc[3]);
    for (int64_t i = np; i < n; ++i) sum += w[i] * a[i];  // F32: the tail in float
    return sum;
}

float dot_f16_512(int64_t n, const void* wv, const void* av) {
    const uint16_t* w = static_cast<const uint16_t*>(wv);
    const uint16_t* a = static_cast<const uint16_t*>(av);
    auto load = [](const uint16_t* p) {
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    };
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    const int64_t np = n & ~int64_t(63);
    for (int64_t i = 0; i < np; i += 64)
        for (int j = 0; j < 4; ++j) acc[j] = _mm512_fmadd_ps(load(w + i + 16 * j), load(a + i + 16 * j), acc[j]);
    double sum = reduce_4x16(acc[0], acc[1], acc[2], acc[3]);
    for (int64_t i = np; i < n; ++i) sum += double(half(w[i]) * half(a[i]));
    return float(sum);
}

#include "x86/avx512_attention.inl"

// The lane tree with 16-float rows at a time (element-wise adds: same bits).
void reduce_lanes64_512(float* lanes, int n, float* out) {
    lane_tree(lanes, n, [](float* dst, const float* src, int m) {
        int d = 0;
        for (; d + 16 <= m; d += 16)
            _mm512_storeu_ps(dst + d, _mm512_add_ps(_mm512_loadu_ps(src + d), _mm512_loadu_ps(dst + d)));
        for (; d < m; ++d) dst[d] = src[d] + dst[d];
    });
    std::memcpy(out, lanes, size_t(n) * sizeof(float));
}

// 16-float vectors for the Q8_0 cache's weighted V sum (x86_q8_cache.inl):
// 32 registers hold 4 heads x 4 accumulators, a row's 4 vectors and 4 weights.
struct Float16 {
    using V = __m512;
    static constexpr int kW = 16, kHeads = 4, kDims = 64;
    static V load(const float* p) { return _mm512_load_ps(p); }
    static V loadu(const float* p) { return _mm512_loadu_ps(p); }
    static void storeu(float* p, V v) { _mm512_storeu_ps(p, v); }
    static V set1(float x) { return _mm512_set1_ps(x); }
    static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
    static void widen32(const int8_t* q, float* out) {  // 32 int8 -> float (exact)
        for (int i = 0; i < QK; i += 16) {
            const __m128i q8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + i));
            _mm512_store_ps(out + i, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(q8)));
        }
    }
};

}  // namespace

void fill_variant(KernelSet& ks) {
    fill_common(ks);
    ks.dots_f16_ordered = dots_f16_ordered_512;
    ks.dots_f16_gemm = dots_f16_gemm_512;
    ks.weighted_lanes_f16 = weighted_lanes_f16_512;
    ks.dots_f16_ordered_group = dots_f16_ordered_group_512;
    ks.dots_f16_gemm_group = dots_f16_gemm_group_512;
    ks.weighted_lanes_f16_group = weighted_lanes_f16_group_512;
    ks.reduce_lanes64 = reduce_lanes64_512;
    ks.weighted_sum_q8_0 = weighted_sum_q8_0<Float16>;
    ks.set(lumen::TensorType::F32, dot_f32_512);
    ks.set(lumen::TensorType::F16, dot_f16_512);
    ks.set(lumen::TensorType::Q6_K, dot_q6_k_512);
    ks.set4(lumen::TensorType::Q6_K, dot4_q6_k_512);
    ks.packed_gemm[size_t(lumen::TensorType::Q2_K)] = gemm_q2_k_x8_groups;
    ks.packed_gemm16[size_t(lumen::TensorType::Q4_0)] = gemm_q4_0_x16;
    ks.packed_gemm16[size_t(lumen::TensorType::Q4_K)] = gemm_q4_k_x16;
    ks.packed_gemm16[size_t(lumen::TensorType::Q8_0)] = gemm_q8_0_x16;
    ks.packed_gemm16[size_t(lumen::TensorType::TQ2_0)] = gemm_tq2_0_x16;
    ks.packed_gemm16[size_t(lumen::TensorType::Q6_K)] = gemm_q6_k_x16;
    ks.packed_gemm16[size_t(lumen::TensorType::Q2_K)] = gemm_q2_k_x16;
    ks.packed_gemm16[size_t(lumen::TensorType::Q3_K)] = gemm_q3_k_x16;
}
