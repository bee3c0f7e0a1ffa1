// The arithmetic of the element-wise kernels, in one place, so that the scalar
// kernel and every SIMD variant (simd_elementwise.inl) give the same bits:
//
// * exp: x clamped to [-104, 89]; n = x * log2(e) rounded to the nearest
//   integer (ties to even) by adding and subtracting 1.5 * 2^23;
//   r = (x - n * ln2_hi) - n * ln2_lo (ln2_hi has 9 significant bits, so
//   n * ln2_hi is exact); a degree-5 polynomial p(r); y = p * r^2 + r + 1;
//   exp(x) = y * 2^(n >> 1) * 2^(n - (n >> 1)) (two factors keep 2^n a normal
//   float down to the denormal results). Only IEEE +, -, *, round-to-nearest
//   and exponent bits: no FMA (the library builds with -ffp-contract=off), no
//   table, so every ISA computes the same float. Within 1 ulp of the C
//   library's expf over [-103, 88.7] (91 % equal; tests/test_elementwise_simd.cpp);
//   exp(-inf) = 0, exp(0) = 1, overflow gives +inf. Coefficients: the classic
//   single-precision minimax fit (Cephes expf).
// * the softmax sum of a chunk of 16: the reference's AVX-512 order, lanes
//   i + (i + 8), then + 4, + 2, + 1.
#pragma once

#include <cstdint>
#include <cstring>

namespace lumen::kernels::expf_steps {

constexpr float kMin = -104.f, kMax = 89.f;
constexpr float kLog2e = 1.44269504088896341f;
constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: (v + kRound) - kRound rounds v (|v| < 2^22)
constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
constexpr float kP0 = 1.9875691500e-4f, kP1 = 1.3981999507e-3f, kP2 = 8.3334519073e-3f, kP3 = 4.1665795894e-2f,
                kP4 = 1.6666665459e-1f, kP5 = 5.0000001201e-1f;

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
    x = x < kMin ? kMin : (x > kMax ? kMax : x);
    const float n = (x * kLog2e + kRound) - kRound;
    const float r = (x - n * kLn2Hi) - n * kLn2Lo;
    float p = kP0;
    p = p * r + kP1;
    p = p * r + kP2;
    p = p * r + kP3;
    p = p * r + kP4;
    p = p * r + kP5;
    const float y = p * (r * r) + r + 1.0f;
    const int32_t k = int32_t(n), k1 = k >> 1;
    return y * pow2i(k1) * pow2i(k - k1);
}

inline float sum16_halving(const float* v) {
    float t[8];
    for (int i = 0; i < 8; ++i) t[i] = v[i] + v[i + 8];
    for (int w = 4; w >= 1; w /= 2)
        for (int i = 0; i < w; ++i) t[i] = t[i] + t[i + w];
    return t[0];
}

}  // namespace lumen::kernels
