// The exponential of the reference's softmax, reproduced bit for bit: its
// AVX-512 build evaluates exp over rows of 16 with a polynomial (range
// reduction by ln 2 in two parts, a degree-5 polynomial evaluated with fused
// multiply-adds, then a scale by 2^n), not with the C library's expf, and sums
// each row of 16 as a float tree (8, 4, 2, 1) before adding it in double.
#pragma once

#include <cmath>

namespace lumen::ops {

// exp(x) as the reference's vectorized routine computes it (within ~1.5 ulp of
// the true value; exactly 0 below about -104, infinity above about 88.4).
inline float softmax_exp(float x) {
    const float shift = 0x1.8p23f;
    const float z = std::fma(x, 0x1.715476p+0f, shift);
    const float n = z - shift;  // round(x / ln 2)
    const float b = std::fma(-n, 0x1.7f7d1cp-20f, std::fma(-n, 0x1.62e4p-1f, x));
    if (!(std::fabs(n) <= 192.f)) return n <= 0.f ? 0.f : INFINITY;
    const float u = b * b;
    const float j = std::fma(std::fma(std::fma(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, std::fma(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                             u, std::fma(0x1.ffffecp-1f, b, 1.0f));
    return std::ldexp(j, int(n));
}

// e[j] = softmax_exp(x[j] - max) for j < n; returns their sum in the
// reference's order (rows of 16, each a float tree, added in double; the row
// is padded with zeros, as the reference's KV length is a multiple of 32).
inline double softmax_exps(float* x, int n, float max) {
    double sum = 0.0;
    for (int r = 0; r < n; r += 16) {
        float lanes[16] = {};
        for (int l = 0; l < 16 && r + l < n; ++l) lanes[l] = x[r + l] = softmax_exp(x[r + l] - max);
        for (int w = 8; w >= 1; w /= 2)
            for (int l = 0; l < w; ++l) lanes[l] = lanes[l + w] + lanes[l];
        sum += double(lanes[0]);
    }
    return sum;
}

}  // namespace lumen::ops
