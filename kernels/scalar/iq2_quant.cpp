// Quantizers of the 2-bit grid types IQ2_XXS (groups of 32: four 8-value points
// of a 256-point grid), IQ2_XS (groups of 16: two points of a 512-point grid,
// own 4-bit scales) and IQ2_S (IQ2_XS's layout on a 1024-point grid with free
// signs). IQ2_XXS and IQ2_XS need importance weights. The fit is the shared
// grid group fit (iq_grid_fit.hpp) with each type's rules; the arithmetic
// follows the reference quantizer (identical bytes).
#include <algorithm>
#include <cmath>
#include <cstring>

#include "fp16.hpp"
#include "iq_blocks.hpp"
#include "scalar/file_quantizers.hpp"
#include "scalar/iq_grid_fit.hpp"
#include "scalar/rounding.hpp"

namespace lumen::kernels {

namespace {

// sigma^2 of a super-block: mean of x^2.
float block_sigma2(const float* x) {
    float s = 0;
    for (int i = 0; i < QK_K; ++i) s += x[i] * x[i];
    return s / QK_K;
}

void group_weights(int n, const float* x, const float* qw, float sigma2, float* w) {
    for (int i = 0; i < n; ++i) w[i] = qw[i] * std::sqrt(sigma2 + x[i] * x[i]);
}

// 4-bit code of a group scale against block scale d (odd multiples: 2l + 1).
int scale_code(float id, float scale) { return std::clamp(nearest_int(0.5f * (id * scale - 1)), 0, 15); }

}  // namespace

void quantize_iq2_xxs_rows(const float* x, void* dst, int64_t n, const float* qw) {
    constexpr int kGroup = 32;
    const GridFitRules rules{iq2xxs_search(), kGroup, 3, true, 6, 0.1f, 1e-15f, true, true, Refine::always};
    auto* b = static_cast<BlockIQ2_XXS*>(dst);
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        // Per group two words: 4 grid bytes; 4 x 7-bit sign codes and the 4-bit scale.
        uint32_t q2[2 * QK_K / kGroup] = {};
        float scales[QK_K / kGroup], w[kGroup];
        const float sigma2 = block_sigma2(x);
        float max_scale = 0;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            group_weights(kGroup, x + kGroup * ib, qw + ibl * QK_K + kGroup * ib, sigma2, w);
            uint16_t index[4];
            uint8_t signs[4];
            scales[ib] = fit_grid_group(rules, x + kGroup * ib, w, index, signs);
            if (scales[ib] < 0) {
                scales[ib] = 0;
                continue;
            }
            for (int k = 0; k < 4; ++k) {
                q2[2 * ib] |= uint32_t(index[k]) << (8 * k);
                q2[2 * ib + 1] |= uint32_t(signs[k]) << (7 * k);
            }
            max_scale = std::max(max_scale, scales[ib]);
        }
        b[ibl].d = fp32_to_fp16(0.f);
        if (max_scale == 0.f) {
            std::memset(b[ibl].qs, 0, sizeof b[ibl].qs);
            continue;
        }
        const float d = max_scale / 31;
        b[ibl].d = fp32_to_fp16(d);
        const float id = 1 / d;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) q2[2 * ib + 1] |= uint32_t(scale_code(id, scales[ib])) << 28;
        std::memcpy(b[ibl].qs, q2, sizeof b[ibl].qs);
    }
}

void quantize_iq2_xs_rows(const float* x, void* dst, int64_t n, const float* qw) {
    constexpr int kGroup = 16;
    const GridFitRules rules{iq2xs_search(), kGroup, 3, true, 9, 0.1f, 1e-15f, false, true, Refine::off_grid_groups};
    auto* b = static_cast<BlockIQ2_XS*>(dst);
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        // Per 8 values a word: 9-bit grid index, 7-bit sign code.
        uint16_t q2[2 * QK_K / kGroup] = {};
        float scales[QK_K / kGroup], w[kGroup];
        const float sigma2 = block_sigma2(x);
        float max_scale = 0;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            group_weights(kGroup, x + kGroup * ib, qw + ibl * QK_K + kGroup * ib, sigma2, w);
            uint16_t index[2];
            uint8_t signs[2];
            scales[ib] = fit_grid_group(rules, x + kGroup * ib, w, index, signs);
            if (scales[ib] < 0) {
                scales[ib] = 0;
                continue;
            }
            for (int k = 0; k < 2; ++k) q2[2 * ib + k] = uint16_t(index[k] | (signs[k] << 9));
            max_scale = std::max(max_scale, scales[ib]);
        }
        b[ibl].d = fp32_to_fp16(0.f);
        std::memset(b[ibl].scales, 0, sizeof b[ibl].scales);
        if (max_scale == 0.f) {
            std::memset(b[ibl].qs, 0, sizeof b[ibl].qs);
            continue;
        }
        const float d = max_scale / 31;
        b[ibl].d = fp32_to_fp16(d);
        const float id = 1 / d;
        for (int ib = 0; ib < QK_K / kGroup; ++ib)
            b[ibl].scales[ib / 2] = uint8_t(b[ibl].scales[ib / 2] | (scale_code(id, scales[ib]) << (4 * (ib % 2))));
        std::memcpy(b[ibl].qs, q2, sizeof b[ibl].qs);
    }
}

}  // namespace lumen::kernels

namespace lumen::kernels {

// IQ2_S: groups of 16 (two points of the 1024-point grid), free signs; works
// without importance weights too (then w = sigma^2 / 4 + x^2).
void quantize_iq2_s_rows(const float* x, void* dst, int64_t n, const float* qw) {
    constexpr int kGroup = 16;
    const GridFitRules rules{iq2s_search(), kGroup, 3, false, 9, 0.1f, 1e-8f, false, true, Refine::off_grid_groups};
    auto* b = static_cast<BlockIQ2_S*>(dst);
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        std::memset(&b[ibl], 0, sizeof b[ibl]);
        float scales[QK_K / kGroup], w[kGroup];
        const float sigma2 = 2 * block_sigma2(x);
        float max_scale = 0;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            const float* xb = x + kGroup * ib;
            if (qw) group_weights(kGroup, xb, qw + ibl * QK_K + kGroup * ib, sigma2, w);
            else for (int i = 0; i < kGroup; ++i) w[i] = 0.25f * sigma2 + xb[i] * xb[i];
            uint16_t index[2];
            uint8_t signs[2];
            scales[ib] = fit_grid_group(rules, xb, w, index, signs);
            if (scales[ib] < 0) {
                scales[ib] = 0;
                continue;
            }
            for (int k = 0; k < 2; ++k) {
                const int i8 = 2 * ib + k;
                b[ibl].qs[i8] = uint8_t(index[k] & 255);
                b[ibl].qh[i8 / 4] = uint8_t(b[ibl].qh[i8 / 4] | ((index[k] >> 8) << (2 * (i8 % 4))));
                b[ibl].qs[QK_K / 8 + i8] = signs[k];
            }
            max_scale = std::max(max_scale, scales[ib]);
        }
        if (max_scale == 0.f) continue;
        const float d = max_scale / 31;
        b[ibl].d = fp32_to_fp16(d * 0.9875f);
        const float id = 1 / d;
        for (int ib = 0; ib < QK_K / kGroup; ++ib)
            b[ibl].scales[ib / 2] = uint8_t(b[ibl].scales[ib / 2] | (scale_code(id, scales[ib]) << (4 * (ib % 2))));
    }
}

}  // namespace lumen::kernels
