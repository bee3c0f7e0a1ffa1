// x86 SIMD kernels, written once against two integer primitives that each ISA
// file defines before including this body:
//
//   __m256i dot_u8s8(__m256i w, __m256i a)                  -> 8 x int32, sum of w*a
//     (w: 32 unsigned bytes with values < 128, a: 32 signed bytes)
//   __m256i dot_u8s8_acc(__m256i acc, __m256i w, __m256i a) -> acc + dot_u8s8(w, a)
//   constexpr bool kDotTakesFullBytes: whether dot_u8s8 is exact for w up to 255
//   constexpr bool kSoftwarePrefetch: whether the kernels prefetch the weights
//     ahead of use (x86_dot_blocks.inl) or leave it to the hardware prefetchers
//   constexpr bool kLaneSumsInRegisters: whether the 8 lane sums of a packed
//     super-block fit in registers beside its 8 float accumulators (32 vector
//     registers: the packed K-quant kernels then read a super-block front to back)
//
// AVX2 builds the dots from maddubs/madd, AVX-512 VNNI from vpdpbusd. Everything
// here lives in the including file's own namespace (one copy per ISA), so no
// function compiled for one ISA can be picked up by another's code.
//
// Integer sums inside a block are exact; only the float accumulation across
// blocks runs in a different order than the scalar reference.

namespace {

using namespace lumen::kernels;

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

inline int hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}

inline float half(uint16_t h) { return _cvtsh_ss(h); }

// x rounded to F16 (to nearest, ties to even) and back.
inline float round_f16(float x) { return half(_cvtss_sh(x, _MM_FROUND_TO_NEAREST_INT)); }

// acc + the int16 products p * s, adjacent pairs summed to int32. (VNNI's
// vpdpwssd fuses the two but measured 10-30 % slower in the K-quant dots here:
// its latency chains every step on one accumulator.)
inline __m256i madd_acc(__m256i acc, __m256i p, __m256i s) { return _mm256_add_epi32(acc, _mm256_madd_epi16(p, s)); }


// Signed x signed bytes via |w| and a*sign(w) (|w| <= 127 fits the unsigned side).
inline __m256i dot_s8s8(__m256i w, __m256i a) {
    return dot_u8s8(_mm256_sign_epi8(w, w), _mm256_sign_epi8(a, w));
}

// 16 packed bytes -> 32 nibbles: low nibbles in bytes 0..15, high in 16..31.
inline __m256i nibbles32(const uint8_t* qs) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(v, 4), v);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

// 32 bits -> 32 bytes, 0xFF where the bit is set (bit j -> byte j).
inline __m256i bits_to_bytes(uint32_t bits) {
    const __m256i select = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0);
    const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32(int(bits)), select);
    const __m256i bit = _mm256_set1_epi64x(int64_t(0x8040201008040201));
    return _mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit);
}

inline __m256i load32(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

// load32 for a chunk with several uses (the low and the high nibbles, say):
// GCC folds a plain load into each use as a memory operand and so reads the
// chunk once per use; the empty asm keeps it in a register after one load.
// Packed Q4_0 on a Zen 4, matrix in L1: 11.2 -> 9.6 cycles per block. Not in
// the Q4_K/Q5_K kernels (packed and per row): there the register it holds
// cost more than the second load (measured slower on the Zen 4, docs/kernels.md).
inline __m256i load32_once(const void* p) {
    __m256i v = load32(p);
    asm("" : "+v"(v));
    return v;
}

// An integer accumulator GCC may not reassociate past this point. Integer adds
// are associative, so GCC turns a long chain (packed Q2_K: 64 products into one
// sum per super-block) into a tree of all its terms, which holds the terms in
// registers and spills them; an empty asm on the sum every few terms keeps the
// chain. Packed Q2_K, AVX2: 523 -> 440 instructions per super-block, llvm-mca
// znver3 134 -> 109 cycles.
inline void keep_sum(__m256i& v) { asm("" : "+v"(v)); }

// ---- float types ---------------------------------------------------------------
// F32 and F16 dot products in the summation order of the reference's AVX-512
// build (whose outputs the goldens are): 4 accumulators of 16 lanes over
// chunks of 64 (fused multiply-add), added 0+2, 1+3, 0+1, then the 16 lanes
// halved down to one; the tail past the last whole chunk added one product
// at a time, in float for F32 and in double for F16 (as the reference does).
// A 16-lane accumulator is two 8-lane halves here, so an AVX2 machine gets
// the same bits as an AVX-512 one (avx512.cpp has the 512-bit twin).
// Returns the sum over the whole chunks; callers add the tail to it.
template <class Load8>
float dot_in_reference_order(int64_t n, Load8 load) {
    __m256 lo[4], hi[4];
    for (int j = 0; j < 4; ++j) lo[j] = hi[j] = _mm256_setzero_ps();
    const int64_t np = n & ~int64_t(63);
    for (int64_t i = 0; i < np; i += 64)
        for (int j = 0; j < 4; ++j) {
            __m256 w, a;
            load(i + 16 * j, w, a);
            lo[j] = _mm256_fmadd_ps(w, a, lo[j]);
            load(i + 16 * j + 8, w, a);
            hi[j] = _mm256_fmadd_ps(w, a, hi[j]);
        }
    const __m256 l02 = _mm256_add_ps(lo[0], lo[2]), h02 = _mm256_add_ps(hi[0], hi[2]);
    const __m256 l13 = _mm256_add_ps(lo[1], lo[3]), h13 = _mm256_add_ps(hi[1], hi[3]);
    const __m256 l = _mm256_add_ps(l02, l13), h = _mm256_add_ps(h02, h13);
    const __m256 half8 = _mm256_add_ps(h, l);  // 16 -> 8 lanes
    const __m128 q = _mm_add_ps(_mm256_extractf128_ps(half8, 1), _mm256_castps256_ps128(half8));
    const __m128 p = _mm_add_ps(_mm_shuffle_ps(q, q, _MM_SHUFFLE(1, 0, 3, 2)), q);
    return _mm_cvtss_f32(_mm_add_ss(_mm_shuffle_ps(p, p, _MM_SHUFFLE(0, 0, 0, 1)), p));
}

float dot_f32(int64_t n, const void* wv, const void* av) {
    const float* w = static_cast<const float*>(wv);
    const float* a = static_cast<const float*>(av);
    float sum = dot_in_reference_order(n, [w, a](int64_t i, __m256& x, __m256& y) {
        x = _mm256_loadu_ps(w + i);
        y = _mm256_loadu_ps(a + i);
    });
    for (int64_t i = n & ~int64_t(63); i < n; ++i) sum += w[i] * a[i];  // F32: the tail in float
    return sum;
}

float dot_f16(int64_t n, const void* wv, const void* av) {
    const uint16_t* w = static_cast<const uint16_t*>(wv);
    const uint16_t* a = static_cast<const uint16_t*>(av);
    double sum = dot_in_reference_order(n, [w, a](int64_t i, __m256& x, __m256& y) {
        x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i)));
        y = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    });
    for (int64_t i = n & ~int64_t(63); i < n; ++i) sum += double(half(w[i]) * half(a[i]));
    return float(sum);
}

// Attention scores (DotsF16OrderedFn): dot_f16's order is the reference's.
void dots_f16_ordered(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    for (int j = 0; j < count; ++j) out[j] = dot_f16(n, q, k + size_t(j) * k_stride);
}

float dot_bf16(int64_t n, const void* wv, const void* av) {
    const uint16_t* w = static_cast<const uint16_t*>(wv);
    const uint16_t* a = static_cast<const uint16_t*>(av);
    auto widen = [](const uint16_t* p) {
        const __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        return _mm256_castsi256_ps(_mm256_slli_epi32(v, 16));
    };
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(widen(w + i), widen(a + i), acc);
    float sum = hsum(acc);
    for (; i < n; ++i) {
        uint32_t x = uint32_t(w[i]) << 16, y = uint32_t(a[i]) << 16;
        float fx, fy;
        std::memcpy(&fx, &x, 4);
        std::memcpy(&fy, &y, 4);
        sum += fx * fy;
    }
    return sum;
}

#include "x86/x86_dot_blocks.inl"
#include "x86/x86_float_batch.inl"
#include "x86/x86_dot_kquants.inl"
#include "x86/x86_dot_iquants.inl"
#include "x86/x86_packed.inl"
#include "x86/x86_packed_kquants.inl"
#include "x86/x86_packed_q2_k.inl"
#include "x86/x86_packed_q6_k.inl"
#include "x86/x86_packed_q3_k.inl"
#include "x86/x86_packed_tq2_0.inl"
#include "x86/x86_q8_cache.inl"
template <class B>
inline B exact_div(B a, B b) {  // vdivps: IEEE division
    return a / b;
}
#include "simd_elementwise.inl"

// ---- attention helpers over the F16 KV cache -------------------------------------------
void axpy_f16_f64(double* acc, float p, const uint16_t* v, int n) {
    const __m256 pv = _mm256_set1_ps(p);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 prod = _mm256_mul_ps(pv, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(v + i))));
        _mm256_storeu_pd(acc + i, _mm256_add_pd(_mm256_loadu_pd(acc + i), _mm256_cvtps_pd(_mm256_castps256_ps128(prod))));
        _mm256_storeu_pd(acc + i + 4,
                         _mm256_add_pd(_mm256_loadu_pd(acc + i + 4), _mm256_cvtps_pd(_mm256_extractf128_ps(prod, 1))));
    }
    for (; i < n; ++i) acc[i] += double(p * half(v[i]));
}

// The lanes of the attention-weighted sum of V (WeightedLanesF16Fn), V rows in
// position order; the product of two F16 values is exact, so FMA = multiply + add.
void weighted_lanes_f16(float* lanes, int n_lanes, const float* p, float scale, const uint16_t* v, size_t v_stride,
                        int n_pos, int n) {
    for (int j = 0; j < n_pos; ++j) {
        float* acc = lanes + size_t(j % n_lanes) * size_t(n);
        const float w = round_f16(p[j] * scale);
        const __m256 wv = _mm256_set1_ps(w);
        const uint16_t* row = v + size_t(j) * v_stride;
        int d = 0;
        for (; d + 8 <= n; d += 8) {
            const __m256 x = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + d)));
            _mm256_storeu_ps(acc + d, _mm256_fmadd_ps(wv, x, _mm256_loadu_ps(acc + d)));
        }
        for (; d < n; ++d) acc[d] += w * half(row[d]);
    }
}

// Attention scores in the prompt-GEMM order (DotsF16GemmFn).
void dots_f16_gemm(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    for (int j = 0; j < count; ++j) out[j] = batch_dot_f16(n, k + size_t(j) * k_stride, q);
}

// ---- activation quantizers (bit-identical to the scalar reference) ------------------
inline __m256 abs_ps(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.f), v); }

inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

// 32 floats * id, rounded half to even, packed to 32 int8 in order.
inline void round_pack32(const float* x, __m256 id, int8_t* out) {
    const __m256i a = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), id));
    const __m256i b = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 8), id));
    const __m256i c = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 16), id));
    const __m256i d = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 24), id));
    const __m256i ab = _mm256_packs_epi32(a, b), cd = _mm256_packs_epi32(c, d);
    const __m256i packed = _mm256_packs_epi16(ab, cd);
    // packs work per 128-bit lane: restore element order.
    const __m256i order = _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), order);
}

inline float absmax32(const float* x) {
    __m256 m = abs_ps(_mm256_loadu_ps(x));
    for (int k = 8; k < 32; k += 8) m = _mm256_max_ps(m, abs_ps(_mm256_loadu_ps(x + k)));
    return hmax(m);
}

void quant_act_q8_0(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_0*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        const float amax = absmax32(x);
        const float id = amax != 0.f ? 127.f / amax : 0.f;
        round_pack32(x, _mm256_set1_ps(id), b[i].qs);
        b[i].d = _cvtss_sh(amax / 127.f, _MM_FROUND_TO_NEAREST_INT);
    }
}

void quant_act_q8_1(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_1*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        const float amax = absmax32(x);
        const float d = amax / 127.f;
        const float id = amax != 0.f ? 127.f / amax : 0.f;
        round_pack32(x, _mm256_set1_ps(id), b[i].qs);
        const __m256i sums = dot_s8s8(_mm256_set1_epi8(1), load32(b[i].qs));
        b[i].d = _cvtss_sh(d, _MM_FROUND_TO_NEAREST_INT);
        b[i].s = _cvtss_sh(float(hsum_i32(sums)) * d, _MM_FROUND_TO_NEAREST_INT);
    }
}

// max |x| over one Q8_K block: four chains (one would wait on vmaxps' latency
// 32 times), |x| as the first operand so that a NaN is passed over (vmaxps
// returns the second operand then), as the scalar comparison loop does.
inline float absmax_q8_k(const float* x) {
    __m256 m[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int k = 0; k < QK_K; k += 32)
        for (int j = 0; j < 4; ++j) m[j] = _mm256_max_ps(abs_ps(_mm256_loadu_ps(x + k + 8 * j)), m[j]);
    return hmax(_mm256_max_ps(_mm256_max_ps(m[0], m[1]), _mm256_max_ps(m[2], m[3])));
}

// The first element of a block whose magnitude is amax: eight at a time.
inline int first_of_magnitude(const float* x, float amax) {
    const __m256 target = _mm256_set1_ps(amax);
    for (int k = 0; k < QK_K; k += 8) {
        const int hit = _mm256_movemask_ps(_mm256_cmp_ps(abs_ps(_mm256_loadu_ps(x + k)), target, _CMP_EQ_OQ));
        if (hit != 0) return k + __builtin_ctz(unsigned(hit));
    }
    return 0;  // not reached: amax is the magnitude of an element
}

// The 16 sums of 16 values each of a Q8_K block, all at once: 4 partial sums
// per group (maddubs with ones, then madd), vector k holding group 2k in its
// low 128-bit lane and 2k + 1 in its high one; three rounds of hadd leave the
// even groups in the low lanes and the odd ones in the high lanes, and one
// interleave puts them in order. Integers: the same sums as one at a time.
inline void q8_k_bsums(const int8_t* qs, int16_t* bsums) {
    __m256i s[8];
    for (int k = 0; k < 8; ++k)
        s[k] = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), load32(qs + 32 * k)), _mm256_set1_epi16(1));
    const __m256i even_odd_lo = _mm256_hadd_epi32(_mm256_hadd_epi32(s[0], s[1]), _mm256_hadd_epi32(s[2], s[3]));  // 0-7
    const __m256i even_odd_hi = _mm256_hadd_epi32(_mm256_hadd_epi32(s[4], s[5]), _mm256_hadd_epi32(s[6], s[7]));  // 8-15
    const __m256i packed = _mm256_packs_epi32(even_odd_lo, even_odd_hi);  // |sum| <= 2048: no saturation
    const __m128i even = _mm256_castsi256_si128(packed), odd = _mm256_extracti128_si256(packed, 1);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(bsums), _mm_unpacklo_epi16(even, odd));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(bsums + 8), _mm_unpackhi_epi16(even, odd));
}

void quant_act_q8_k(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        const float amax = absmax_q8_k(x);
        if (!(amax > 0.f) || amax > 3.4e38f) {  // zero or inf: as the reference, all zero
            std::memset(&b[i], 0, sizeof b[i]);
            continue;
        }
        // The first element of largest magnitude fixes the sign of the scale.
        const float iscale = -127.f / x[first_of_magnitude(x, amax)];
        for (int k = 0; k < QK_K; k += 32) round_pack32(x + k, _mm256_set1_ps(iscale), b[i].qs + k);
        q8_k_bsums(b[i].qs, b[i].bsums);
        b[i].d = 1 / iscale;
    }
}

}  // namespace

// Fills the kernel set with the kernels shared by the x86 ISAs.
void fill_common(KernelSet& ks) {
    using T = lumen::TensorType;
    simd_elementwise::fill(ks);
    ks.axpy_f16_f64 = axpy_f16_f64;
    ks.weighted_lanes_f16 = weighted_lanes_f16;
    ks.packed_gemm[size_t(T::Q4_0)] = gemm_q4_0_x8;
    ks.packed_gemm[size_t(T::Q5_0)] = gemm_q5_0_x8;
    ks.packed_gemm[size_t(T::IQ4_NL)] = gemm_iq4_nl_x8;
    ks.packed_gemm[size_t(T::Q8_0)] = gemm_q8_0_x8;
    ks.packed_gemm[size_t(T::Q4_K)] = gemm_q4_k_x8;
    ks.packed_gemm[size_t(T::Q5_K)] = gemm_q5_k_x8;
    ks.packed_gemm[size_t(T::Q2_K)] = gemm_q2_k_x8;
    ks.packed_gemm[size_t(T::Q6_K)] = gemm_q6_k_x8;
    ks.packed_gemm[size_t(T::Q3_K)] = gemm_q3_k_x8;
    ks.packed_gemm[size_t(T::TQ2_0)] = gemm_tq2_0_x8;
    ks.set(T::F32, dot_f32);
    ks.set(T::F16, dot_f16);
    ks.batch_dot[size_t(T::F32)] = batch_dot_f32;
    ks.batch_dot[size_t(T::F16)] = batch_dot_f16;
    ks.dots_f16_ordered = dots_f16_ordered;
    ks.dots_f16_gemm = dots_f16_gemm;
    ks.dots_q8_0 = dots_q8_0;
    ks.weighted_sum_q8_0 = weighted_sum_q8_0<Float8>;
    ks.set(T::BF16, dot_bf16);
#define LUMEN_SET_DOTS(type, name)  \
    ks.set(T::type, dot_##name);    \
    ks.set4(T::type, dot4_##name);
    LUMEN_SET_DOTS(Q8_0, q8_0)
    LUMEN_SET_DOTS(Q4_0, q4_0)
    LUMEN_SET_DOTS(Q4_1, q4_1)
    LUMEN_SET_DOTS(Q5_0, q5_0)
    LUMEN_SET_DOTS(Q5_1, q5_1)
    LUMEN_SET_DOTS(IQ4_NL, iq4_nl)
    LUMEN_SET_DOTS(Q2_K, q2_k)
    LUMEN_SET_DOTS(Q3_K, q3_k)
    LUMEN_SET_DOTS(Q4_K, q4_k)
    LUMEN_SET_DOTS(Q5_K, q5_k)
    LUMEN_SET_DOTS(Q6_K, q6_k)
    LUMEN_SET_DOTS(TQ2_0, tq2_0)
#undef LUMEN_SET_DOTS
    ks.set_activation(T::Q8_0, quant_act_q8_0);
    ks.set_activation(T::Q8_1, quant_act_q8_1);
    ks.set_activation(T::Q8_K, quant_act_q8_k);
    fill_iquants(ks);
}
