// AArch64 SIMD kernels, written once against two integer primitives that each
// variant file (neon.cpp, dotprod.cpp, i8mm.cpp) defines before including this
// body:
//
//   int32x4_t dot_s8(int32x4_t acc, int8x16_t a, int8x16_t b)
//       lane i += a[4i..4i+3] . b[4i..4i+3]           (signed bytes)
//   template <int lane> int32x4_t dot_s8_lane(int32x4_t acc, int8x16_t a, int8x16_t b16)
//       the same with b = bytes 4*lane..4*lane+3 of b16 in every lane
//
// The baseline builds them from widening multiplies, dotprod from sdot.
// Everything here lives in the including file's own namespace (one copy per
// variant), so code compiled for one variant is never reached from another.
//
// Exactness: integer sums inside a block are exact, and every float operation
// is done in the scalar reference's order (dot products of the block types and
// K-quants, packed kernels) or in the reference's AVX-512 order (F32/F16 dots,
// like the x86 kernels). So the ARM kernels give the same bits as the scalar
// (or x86) kernels, not merely close ones: the goldens pass on ARM as on x86.

namespace {

using namespace lumen::kernels;

// F16 <-> F32 with the FCVT instructions (base ARMv8, exact like fp16_to_fp32).
inline float half(uint16_t h) {
    __fp16 f;
    std::memcpy(&f, &h, 2);
    return float(f);
}
inline float32x4_t half4(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }

inline int8x16_t load16(const int8_t* p) { return vld1q_s8(p); }
inline uint8x16_t load16(const uint8_t* p) { return vld1q_u8(p); }
inline int8x16_t as_s8(uint8x16_t v) { return vreinterpretq_s8_u8(v); }
inline int8x16_t low_nibbles(uint8x16_t v) { return as_s8(vandq_u8(v, vdupq_n_u8(0x0F))); }
inline int8x16_t high_nibbles(uint8x16_t v) { return as_s8(vshrq_n_u8(v, 4)); }

// Exact sum of the 32 products of two 32-byte runs.
inline int32_t dot32(int8x16_t w0, int8x16_t w1, const int8_t* a) {
    return vaddvq_s32(dot_s8(dot_s8(vdupq_n_s32(0), w0, load16(a)), w1, load16(a + 16)));
}

// Bits 0..15 of `bits` -> 16 bytes, 0xFF where the bit is set (bit j -> byte j).
inline uint8x16_t bits_to_bytes16(uint32_t bits) {
    const uint8x16_t bytes = vcombine_u8(vdup_n_u8(uint8_t(bits)), vdup_n_u8(uint8_t(bits >> 8)));
    const uint8x16_t select = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    return vtstq_u8(bytes, select);
}

// Weights stream from memory once: ask for the bytes 2 KiB ahead.
inline void prefetch_ahead(const void* p) { __builtin_prefetch(static_cast<const char*>(p) + 2048); }

template <class B, int C>
inline void activation_blocks(const void* const* av, const B* (&y)[C]) {
    for (int c = 0; c < C; ++c) y[c] = static_cast<const B*>(av[c]);
}

// ---- float types ---------------------------------------------------------------
// F32 and F16 dot products in the summation order of the reference's AVX-512
// build (which made the goldens): 4 accumulators of 16 lanes over chunks of 64
// (fused multiply-add), added 0+2, 1+3, 0+1, then the 16 lanes halved down to
// one; the tail past the last whole chunk added one product at a time, in
// float for F32 and in double for F16 (as the reference does). A 16-lane
// accumulator is four quarters here: the same bits as the x86 kernels.
template <class Load4>
float dot_in_reference_order(int64_t n, Load4 load) {
    float32x4_t acc[4][4];
    for (auto& a : acc)
        for (auto& q : a) q = vdupq_n_f32(0.f);
    const int64_t np = n & ~int64_t(63);
    for (int64_t i = 0; i < np; i += 64)
        for (int j = 0; j < 4; ++j)
            for (int q = 0; q < 4; ++q) {
                float32x4_t w, a;
                load(i + 16 * j + 4 * q, w, a);
                acc[j][q] = vfmaq_f32(acc[j][q], w, a);
            }
    float32x4_t s[4];
    for (int q = 0; q < 4; ++q) s[q] = vaddq_f32(vaddq_f32(acc[0][q], acc[2][q]), vaddq_f32(acc[1][q], acc[3][q]));
    const float32x4_t h0 = vaddq_f32(s[0], s[2]), h1 = vaddq_f32(s[1], s[3]);  // 16 -> 8 lanes
    const float32x4_t q4 = vaddq_f32(h0, h1);                                   // 8 -> 4
    const float32x2_t p = vadd_f32(vget_low_f32(q4), vget_high_f32(q4));       // 4 -> 2
    return vget_lane_f32(p, 0) + vget_lane_f32(p, 1);
}

float dot_f32(int64_t n, const void* wv, const void* av) {
    const float* w = static_cast<const float*>(wv);
    const float* a = static_cast<const float*>(av);
    float sum = dot_in_reference_order(n, [w, a](int64_t i, float32x4_t& x, float32x4_t& y) {
        x = vld1q_f32(w + i);
        y = vld1q_f32(a + i);
    });
    for (int64_t i = n & ~int64_t(63); i < n; ++i) sum += w[i] * a[i];  // F32: the tail in float
    return sum;
}

float dot_f16(int64_t n, const void* wv, const void* av) {
    const uint16_t* w = static_cast<const uint16_t*>(wv);
    const uint16_t* a = static_cast<const uint16_t*>(av);
    double sum = double(dot_in_reference_order(n, [w, a](int64_t i, float32x4_t& x, float32x4_t& y) {
        x = half4(w + i);
        y = half4(a + i);
    }));
    for (int64_t i = n & ~int64_t(63); i < n; ++i) sum += double(half(w[i]) * half(a[i]));
    return float(sum);
}

// F32 and F16 weights times a prompt batch (KernelSet::batch_dot) in the order
// of the reference's prompt GEMM: one 16-lane accumulator (four quarters here)
// of fused multiply-adds over steps of 16, then the lanes halved 8, 4, 2, 1 —
// the bits of ref::dot_*_lanes16 and of the x86 kernels. n % 16 == 0.
template <class Load4>
float dot_lanes16(int64_t n, Load4 load) {
    float32x4_t acc[4] = {vdupq_n_f32(0.f), vdupq_n_f32(0.f), vdupq_n_f32(0.f), vdupq_n_f32(0.f)};
    for (int64_t i = 0; i < n; i += 16)
        for (int q = 0; q < 4; ++q) {
            float32x4_t w, a;
            load(i + 4 * q, w, a);
            acc[q] = vfmaq_f32(acc[q], w, a);
        }
    const float32x4_t q4 = vaddq_f32(vaddq_f32(acc[0], acc[2]), vaddq_f32(acc[1], acc[3]));  // 16 -> 8 -> 4
    const float32x2_t p = vadd_f32(vget_low_f32(q4), vget_high_f32(q4));                   // 4 -> 2
    return vget_lane_f32(p, 0) + vget_lane_f32(p, 1);
}

float batch_dot_f32(int64_t n, const void* wv, const void* av) {
    const float* w = static_cast<const float*>(wv);
    const float* a = static_cast<const float*>(av);
    return dot_lanes16(n, [w, a](int64_t i, float32x4_t& x, float32x4_t& y) {
        x = vld1q_f32(w + i);
        y = vld1q_f32(a + i);
    });
}

float batch_dot_f16(int64_t n, const void* wv, const void* av) {
    const uint16_t* w = static_cast<const uint16_t*>(wv);
    const uint16_t* a = static_cast<const uint16_t*>(av);
    return dot_lanes16(n, [w, a](int64_t i, float32x4_t& x, float32x4_t& y) {
        x = half4(w + i);
        y = half4(a + i);
    });
}

// Attention scores (DotsF16OrderedFn): dot_f16's order is the reference's.
void dots_f16_ordered(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    for (int j = 0; j < count; ++j) out[j] = dot_f16(n, q, k + size_t(j) * k_stride);
}

float dot_bf16(int64_t n, const void* wv, const void* av) {
    const uint16_t* w = static_cast<const uint16_t*>(wv);
    const uint16_t* a = static_cast<const uint16_t*>(av);
    auto widen = [](const uint16_t* p) { return vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(p), 16)); };
    float32x4_t acc = vdupq_n_f32(0.f);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) acc = vfmaq_f32(acc, widen(w + i), widen(a + i));
    float sum = vaddvq_f32(acc);
    for (; i < n; ++i) sum += bf16_to_fp32(w[i]) * bf16_to_fp32(a[i]);
    return sum;
}

#include "arm/arm_dot_blocks.inl"
#include "arm/arm_dot_kquants.inl"
#include "arm/arm_dot_iquants.inl"
#include "arm/arm_packed.inl"
#include "arm/arm_packed_kquants.inl"
#include "arm/arm_packed_q2_k.inl"
#include "arm/arm_packed_q6_k.inl"
#include "arm/arm_packed_q3_k.inl"
#include "arm/arm_packed_tq2_0.inl"
#include "arm/arm_q8_cache.inl"

using SimdArch = xsimd::neon64;  // the element-wise kernels
// xsimd 8.1 divides float batches on AArch64 through a reciprocal estimate and
// Newton steps (its 32-bit NEON code), which is not IEEE division: use fdiv.
inline xsimd::batch<float, SimdArch> exact_div(xsimd::batch<float, SimdArch> a, xsimd::batch<float, SimdArch> b) {
    return vdivq_f32(a, b);
}
#include "simd_elementwise.inl"

// ---- attention helpers over the F16 KV cache -------------------------------------------
// F16 values widened to float (base ARMv8 FCVTL) and computed in float: FP16
// arithmetic (asimdhp) would round every step to 11 bits and leave the
// reference's results, so it is not used here.
void axpy_f16_f64(double* acc, float p, const uint16_t* v, int n) {
    const float32x4_t pv = vdupq_n_f32(p);
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t prod = vmulq_f32(pv, half4(v + i));
        vst1q_f64(acc + i, vaddq_f64(vld1q_f64(acc + i), vcvt_f64_f32(vget_low_f32(prod))));
        vst1q_f64(acc + i + 2, vaddq_f64(vld1q_f64(acc + i + 2), vcvt_high_f64_f32(prod)));
    }
    for (; i < n; ++i) acc[i] += double(p * half(v[i]));
}

// x rounded to F16 (to nearest, ties to even) and back.
inline float round_f16(float x) { return fp16_to_fp32(fp32_to_fp16(x)); }

// The lanes of the attention-weighted sum of V (WeightedLanesF16Fn), V rows in
// position order; the product of two F16 values is exact, so FMA = multiply + add.
void weighted_lanes_f16(float* lanes, int n_lanes, const float* p, float scale, const uint16_t* v, size_t v_stride,
                        int n_pos, int n) {
    for (int j = 0; j < n_pos; ++j) {
        float* acc = lanes + size_t(j % n_lanes) * size_t(n);
        const float w = round_f16(p[j] * scale);
        const float32x4_t wv = vdupq_n_f32(w);
        const uint16_t* row = v + size_t(j) * v_stride;
        int d = 0;
        for (; d + 4 <= n; d += 4) vst1q_f32(acc + d, vfmaq_f32(vld1q_f32(acc + d), wv, half4(row + d)));
        for (; d < n; ++d) acc[d] += w * half(row[d]);
    }
}

// Attention scores in the prompt-GEMM order (DotsF16GemmFn).
void dots_f16_gemm(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    for (int j = 0; j < count; ++j) out[j] = batch_dot_f16(n, k + size_t(j) * k_stride, q);
}

// ---- activation quantizers (bit-identical to the scalar reference) ------------------
// 16 floats * id, rounded half to even (FCVTNS), saturated to int8.
inline int8x16_t round_pack16(const float* x, float32x4_t id) {
    int32x4_t q[4];
    for (int k = 0; k < 4; ++k) q[k] = vcvtnq_s32_f32(vmulq_f32(vld1q_f32(x + 4 * k), id));
    const int16x8_t lo = vcombine_s16(vqmovn_s32(q[0]), vqmovn_s32(q[1]));
    const int16x8_t hi = vcombine_s16(vqmovn_s32(q[2]), vqmovn_s32(q[3]));
    return vcombine_s8(vqmovn_s16(lo), vqmovn_s16(hi));
}

// max |x| over n (a multiple of 16) floats in four chains (one would wait on
// vmaxnm's latency n / 4 times); NaN is passed over, as the scalar comparison
// loop does. The maximum of the same numbers in any order: the same value.
inline float absmax(const float* x, int n) {
    float32x4_t m[4] = {vdupq_n_f32(0.f), vdupq_n_f32(0.f), vdupq_n_f32(0.f), vdupq_n_f32(0.f)};
    for (int k = 0; k < n; k += 16)
        for (int j = 0; j < 4; ++j) m[j] = vmaxnmq_f32(m[j], vabsq_f32(vld1q_f32(x + k + 4 * j)));
    return vmaxnmvq_f32(vmaxnmq_f32(vmaxnmq_f32(m[0], m[1]), vmaxnmq_f32(m[2], m[3])));
}

void quant_act_q8_0(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_0*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        const float amax = absmax(x, QK);
        const float32x4_t id = vdupq_n_f32(amax != 0.f ? 127.f / amax : 0.f);
        vst1q_s8(b[i].qs, round_pack16(x, id));
        vst1q_s8(b[i].qs + 16, round_pack16(x + 16, id));
        b[i].d = fp32_to_fp16(amax / 127.f);
    }
}

void quant_act_q8_1(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_1*>(dst);
    for (int64_t i = 0; i < n / QK; ++i, x += QK) {
        const float amax = absmax(x, QK);
        const float d = amax / 127.f;
        const float32x4_t id = vdupq_n_f32(amax != 0.f ? 127.f / amax : 0.f);
        const int8x16_t q0 = round_pack16(x, id), q1 = round_pack16(x + 16, id);
        vst1q_s8(b[i].qs, q0);
        vst1q_s8(b[i].qs + 16, q1);
        b[i].d = fp32_to_fp16(d);
        b[i].s = fp32_to_fp16(float(int(vaddlvq_s8(q0)) + int(vaddlvq_s8(q1))) * d);
    }
}

// The first element of a block whose magnitude is amax: 16 compared at a
// time, then the 16 that hold it one by one.
inline int first_of_magnitude(const float* x, float amax) {
    const float32x4_t target = vdupq_n_f32(amax);
    for (int k = 0; k < QK_K; k += 16) {
        uint32x4_t hit = vceqq_f32(vabsq_f32(vld1q_f32(x + k)), target);
        for (int j = 1; j < 4; ++j) hit = vorrq_u32(hit, vceqq_f32(vabsq_f32(vld1q_f32(x + k + 4 * j)), target));
        if (vmaxvq_u32(hit) == 0) continue;
        for (int j = k; j < k + 16; ++j)
            if (x[j] == amax || x[j] == -amax) return j;
    }
    return 0;  // not reached: amax is the magnitude of an element
}

void quant_act_q8_k(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        const float amax = absmax(x, QK_K);
        if (!(amax > 0.f) || amax > 3.4028235e38f) {  // zero or inf: as the reference, all zero
            std::memset(&b[i], 0, sizeof b[i]);
            continue;
        }
        // The first element of largest magnitude fixes the sign of the scale.
        const float iscale = -127.f / x[first_of_magnitude(x, amax)];
        const float32x4_t is = vdupq_n_f32(iscale);
        for (int g = 0; g < QK_K / 16; ++g) {
            const int8x16_t q = round_pack16(x + 16 * g, is);
            vst1q_s8(b[i].qs + 16 * g, q);
            b[i].bsums[g] = int16_t(vaddlvq_s8(q));
        }
        b[i].d = 1 / iscale;
    }
}

}  // namespace

// Fills the kernel set with the kernels shared by the ARM variants.
void fill_common(KernelSet& ks) {
    using T = lumen::TensorType;
    simd_elementwise::fill(ks);
    ks.batch_dot[size_t(lumen::TensorType::F32)] = batch_dot_f32;
    ks.batch_dot[size_t(lumen::TensorType::F16)] = batch_dot_f16;
    ks.axpy_f16_f64 = axpy_f16_f64;
    ks.weighted_lanes_f16 = weighted_lanes_f16;
    ks.dots_f16_gemm = dots_f16_gemm;
    ks.dots_q8_0 = dots_q8_0;
    ks.weighted_sum_q8_0 = weighted_sum_q8_0;
    ks.dots_f16_ordered = dots_f16_ordered;
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
    ks.set(T::BF16, dot_bf16);
    const std::pair<T, std::pair<VecDotFn, VecDot4Fn>> dots[] = {
        {T::Q8_0, {dot_q8_0, dot4_q8_0}},     {T::Q4_0, {dot_q4_0, dot4_q4_0}},
        {T::Q4_1, {dot_q4_1, dot4_q4_1}},     {T::Q5_0, {dot_q5_0, dot4_q5_0}},
        {T::Q5_1, {dot_q5_1, dot4_q5_1}},     {T::IQ4_NL, {dot_iq4_nl, dot4_iq4_nl}},
        {T::Q2_K, {dot_q2_k, dot4_q2_k}},     {T::Q3_K, {dot_q3_k, dot4_q3_k}},
        {T::Q4_K, {dot_q4_k, dot4_q4_k}},     {T::Q5_K, {dot_q5_k, dot4_q5_k}},
        {T::Q6_K, {dot_q6_k, dot4_q6_k}},     {T::TQ2_0, {dot_tq2_0, dot4_tq2_0}},
    };
    for (const auto& [type, fns] : dots) {
        ks.set(type, fns.first);
        ks.set4(type, fns.second);
    }
    ks.set_activation(T::Q8_0, quant_act_q8_0);
    ks.set_activation(T::Q8_1, quant_act_q8_1);
    ks.set_activation(T::Q8_K, quant_act_q8_k);
    fill_iquants(ks);
}
