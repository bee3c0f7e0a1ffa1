// The arithmetic of the element-wise kernels, in one place, so that the scalar
// kernel and every SIMD variant (simd_elementwise.inl) give the same bits:
//
// * exp: the reference's vectorized exponential (its softmax and SiLU use it,
//   not the C library's expf): n = x / ln 2 rounded to an integer by a fused
//   multiply-add with 1.5 * 2^23; b = x - n ln 2 with ln 2 in two parts (fused);
//   a degree-5 polynomial in b evaluated with fused multiply-adds (Estrin
//   pairs); the result scaled by 2^n. Only IEEE operations with one rounding
//   each (FMA included), so every ISA computes the same float; within 2 ulp
//   of glibc's expf (tests/test_elementwise_simd.cpp). 2^n is applied as two
//   exact power-of-two factors, which rounds like ldexp also for denormal
//   results; |n| > 192 gives 0 or +inf (so exp(-inf) = 0).
// * the softmax sum: rows of 16 exponentials, each summed in float as a
//   halving tree (lanes i + (i + 8), then + 4, + 2, + 1) and added in double;
//   a last partial row is padded with zeros — the reference's order over its
//   KV length (a multiple of 32, masked positions contributing exp(-inf) = 0).
// The constants are the reference's (llama.cpp c392e509, ggml_v_expf).
#pragma once

#include <algorithm>  // (std::max in simd_elementwise.inl, which is included after this header)
#include <cmath>
#include <cstdint>
#include <cstring>

namespace lumen::kernels::expf_steps {

constexpr float kShift = 0x1.8p23f;  // 1.5 * 2^23
constexpr float kLog2e = 0x1.715476p+0f;
constexpr float kLn2Hi = 0x1.62e4p-1f, kLn2Lo = 0x1.7f7d1cp-20f;
constexpr float kC5 = 0x1.0e4020p-7f, kC4 = 0x1.573e2ep-5f, kC3 = 0x1.555e66p-3f, kC2 = 0x1.fffdb6p-2f,
                kC1 = 0x1.ffffecp-1f;
constexpr float kMaxN = 192.f;

inline float pow2i(int32_t k) {  // 2^k for -126 <= k <= 127
    const uint32_t bits = uint32_t(k + 127) << 23;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

}  // namespace lumen::kernels::expf_steps

namespace lumen::kernels {

inline float exp_same_bits(float x) {
    using namespace expf_steps;
    const float n = std::fma(x, kLog2e, kShift) - kShift;
    if (!(std::fabs(n) <= kMaxN)) return n <= 0.f ? 0.f : INFINITY;
    const float b = std::fma(-n, kLn2Lo, std::fma(-n, kLn2Hi, x));
    const float u = b * b;
    const float j = std::fma(std::fma(std::fma(kC5, b, kC4), u, std::fma(kC3, b, kC2)), u, std::fma(kC1, b, 1.0f));
    const int32_t k = int32_t(n), k1 = k >> 1;
    return j * pow2i(k1) * pow2i(k - k1);
}

// The reference's sum of 8 float lanes: i + (i + 4), then + 2, then + 1.
inline float sum8_halving(const float* v) {
    return ((v[0] + v[4]) + (v[2] + v[6])) + ((v[1] + v[5]) + (v[3] + v[7]));
}

inline float sum16_halving(const float* v) {
    float t[8];
    for (int i = 0; i < 8; ++i) t[i] = v[i] + v[i + 8];
    for (int w = 4; w >= 1; w /= 2)
        for (int i = 0; i < w; ++i) t[i] = t[i] + t[i + w];
    return t[0];
}

}  // namespace lumen::kernels
