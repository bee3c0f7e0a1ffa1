// Quantizers of the non-linear 4-bit types IQ4_NL (one scale per 32 values) and
// IQ4_XS (256-value super-blocks of 8 groups with 6-bit group scales). Both fit
// each group's scale by weighted least squares over 15 trial scales; the weights
// are x^2, or with an importance matrix qw * sqrt(sigma^2 + x^2). The arithmetic
// follows the reference file quantizer step for step: the goal is identical bytes.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "fp16.hpp"
#include "iq_blocks.hpp"
#include "scalar/file_quantizers.hpp"
#include "scalar/reference.hpp"
#include "scalar/rounding.hpp"

namespace lumen::kernels {

namespace {

constexpr int kGroup = 32;
constexpr int kTries = 7;  // trial inverse scales (levels[0] + t) / max, t = -7..7

// Index of the level of kIQ4NL nearest to x: a binary search, and the upper
// level when x is exactly half-way (the reference's rule).
int nearest_level(float x) {
    if (x <= kIQ4NL[0]) return 0;
    if (x >= kIQ4NL[15]) return 15;
    int lo = 0, hi = 15;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (x < kIQ4NL[mid]) hi = mid; else lo = mid;
    }
    return x - kIQ4NL[hi - 1] < kIQ4NL[hi] - x ? hi - 1 : hi;
}

// Weighted least-squares scale of one group of 32 (0 for an all-zero group).
float fit_group_scale(const float* x, const float* w) {
    float amax = 0, max = 0;
    for (int j = 0; j < kGroup; ++j)
        if (std::fabs(x[j]) > amax) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    if (amax < 1e-15f) return 0.f;
    auto sums = [&](float id, float& sumqx, float& sumq2) {
        sumqx = sumq2 = 0;
        for (int j = 0; j < kGroup; ++j) {
            const float q = kIQ4NL[nearest_level(id * x[j])];
            sumqx += w[j] * q * x[j];
            sumq2 += w[j] * q * q;
        }
    };
    float sumqx, sumq2;
    sums(1 / (-max / kIQ4NL[0]), sumqx, sumq2);
    float d = sumqx / sumq2;
    float best = d * sumqx;
    for (int t = -kTries; t <= kTries; ++t) {
        sums(float(t + kIQ4NL[0]) / max, sumqx, sumq2);
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            d = sumqx / sumq2;
            best = d * sumqx;
        }
    }
    return d;
}

// sigma^2 of a super-block as the reference defines it: 2 * mean(x^2).
float sigma2_of(const float* x, int n) {
    float s = 0;
    for (int j = 0; j < n; ++j) s += x[j] * x[j];
    return s * (2.f / float(n));
}

void group_weights(const float* x, const float* qw, float sigma2, float* w) {
    for (int j = 0; j < kGroup; ++j) w[j] = qw ? qw[j] * std::sqrt(sigma2 + x[j] * x[j]) : x[j] * x[j];
}

// Levels of 32 values against inverse scale id, packed as 16 bytes (j | j+16 << 4).
void pack_group(const float* x, float id, uint8_t* qs) {
    for (int j = 0; j < kGroup / 2; ++j)
        qs[j] = uint8_t(nearest_level(id * x[j]) | (nearest_level(id * x[j + 16]) << 4));
}

}  // namespace

void quantize_iq4_nl_rows(const float* x, void* dst, int64_t n, const float* qw) {
    auto* b = static_cast<BlockIQ4_NL*>(dst);
    float w[kGroup];
    for (int64_t i = 0; i < n / kGroup; ++i, x += kGroup) {
        group_weights(x, qw ? qw + i * kGroup : nullptr, sigma2_of(x, kGroup), w);
        const float d = fit_group_scale(x, w);
        b[i].d = fp32_to_fp16(d);
        pack_group(x, d != 0.f ? 1 / d : 0.f, b[i].qs);
    }
}

void quantize_iq4_xs_rows(const float* x, void* dst, int64_t n, const float* qw) {
    auto* b = static_cast<BlockIQ4_XS*>(dst);
    float w[kGroup], scales[QK_K / kGroup];
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        const float sigma2 = sigma2_of(x, QK_K);
        float max_scale = 0, amax_scale = 0;
        for (int g = 0; g < QK_K / kGroup; ++g) {
            const float* xg = x + g * kGroup;
            group_weights(xg, qw ? qw + i * QK_K + g * kGroup : nullptr, sigma2, w);
            scales[g] = fit_group_scale(xg, w);
            if (std::fabs(scales[g]) > amax_scale) {
                amax_scale = std::fabs(scales[g]);
                max_scale = scales[g];
            }
        }
        // 6-bit group scales l - 32 against the block scale d (negative: the
        // largest group maps to -32).
        const float d = -max_scale / 32;
        b[i].d = fp32_to_fp16(d);
        const float id = d != 0.f ? 1 / d : 0.f;
        b[i].scales_h = 0;
        std::memset(b[i].scales_l, 0, sizeof b[i].scales_l);
        for (int g = 0; g < QK_K / kGroup; ++g) {
            const int l = std::clamp(nearest_int(id * scales[g]), -32, 31);
            const float dl = d * float(l);
            pack_group(x + g * kGroup, dl != 0.f ? 1 / dl : 0.f, b[i].qs + g * kGroup / 2);
            const int u = l + 32;
            b[i].scales_l[g / 2] |= uint8_t((u & 0xF) << (4 * (g % 2)));
            b[i].scales_h |= uint16_t((u >> 4) << (2 * g));
        }
    }
}

// The traits-table entry (no importance matrix).
void ref::quant_iq4_nl(const float* src, void* dst, int64_t n) { quantize_iq4_nl_rows(src, dst, n, nullptr); }

}  // namespace lumen::kernels
