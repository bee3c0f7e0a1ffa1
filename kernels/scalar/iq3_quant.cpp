// Quantizers of the 3-bit grid types IQ3_XXS (256-point grid, signs with even
// parity) and IQ3_S (512-point grid, free signs). Per group of 32: magnitudes
// are matched to grid points of 4 coordinates over a range of trial scales
// (off-grid points snap to their best neighbour), the best weighted fit wins,
// then the group scales become 4-bit codes of one F16 block scale. The
// arithmetic follows the reference quantizer step for step (identical bytes).
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

constexpr int kGroup = 32;
// Per-group weights: importance qw * sqrt(sigma2 + x^2), or x^2 without.
void group_weights(const float* x, const float* qw, float sigma2, float* w) {
    for (int i = 0; i < kGroup; ++i) w[i] = qw ? qw[i] * std::sqrt(sigma2 + x[i] * x[i]) : x[i] * x[i];
}

float block_sigma2(const float* x) {
    float s = 0;
    for (int i = 0; i < QK_K; ++i) s += x[i] * x[i];
    return 2 * s / QK_K;
}

// 4-bit code of a group scale against block scale d (odd multiples: 2l + 1).
int scale_code(float id, float scale) { return std::clamp(nearest_int(0.5f * (id * scale - 1)), 0, 15); }

}  // namespace

void quantize_iq3_xxs_rows(const float* x, void* dst, int64_t n, const float* qw) {
    const GridFitRules rules{iq3xxs_search(), kGroup, 8, true, 15, 0.2f, 1e-8f, false, true, Refine::off_grid_groups};
    auto* b = static_cast<BlockIQ3_XXS*>(dst);
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        // qs: 64 grid bytes, then 8 words of 4 x 7-bit signs and a 4-bit scale.
        uint8_t q3[3 * QK_K / 8] = {};
        uint32_t words[QK_K / kGroup] = {};
        float scales[QK_K / kGroup], w[kGroup];
        const float sigma2 = block_sigma2(x);
        float max_scale = 0;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            group_weights(x + kGroup * ib, qw ? qw + ibl * QK_K + kGroup * ib : nullptr, sigma2, w);
            uint16_t index[8];
            uint8_t signs[4];
            scales[ib] = fit_grid_group(rules, x + kGroup * ib, w, index, signs);
            if (scales[ib] < 0) {
                scales[ib] = 0;
                continue;
            }
            for (int k = 0; k < 8; ++k) q3[8 * ib + k] = uint8_t(index[k]);
            words[ib] = uint32_t(signs[0]) | uint32_t(signs[1]) << 7 | uint32_t(signs[2]) << 14 | uint32_t(signs[3]) << 21;
            max_scale = std::max(max_scale, scales[ib]);
        }
        b[ibl].d = fp32_to_fp16(0.f);
        if (max_scale == 0.f) {
            std::memset(b[ibl].qs, 0, sizeof b[ibl].qs);
            continue;
        }
        const float d = max_scale / 31;
        b[ibl].d = fp32_to_fp16(d * 1.0125f);
        const float id = 1 / d;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) words[ib] |= uint32_t(scale_code(id, scales[ib])) << 28;
        std::memcpy(q3 + QK_K / 4, words, sizeof words);
        std::memcpy(b[ibl].qs, q3, sizeof b[ibl].qs);
    }
}

void quantize_iq3_s_rows(const float* x, void* dst, int64_t n, const float* qw) {
    const GridFitRules rules{iq3s_search(), kGroup, 8, false, 9, 0.2f, 0.f, false, false, Refine::all_if_any_off};
    auto* b = static_cast<BlockIQ3_S*>(dst);
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        std::memset(&b[ibl], 0, sizeof b[ibl]);
        float scales[QK_K / kGroup], w[kGroup];
        const float sigma2 = block_sigma2(x);
        float max_scale = 0;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            group_weights(x + kGroup * ib, qw ? qw + ibl * QK_K + kGroup * ib : nullptr, sigma2, w);
            uint16_t index[8];
            uint8_t signs[4];
            scales[ib] = fit_grid_group(rules, x + kGroup * ib, w, index, signs);
            if (scales[ib] < 0) {
                scales[ib] = 0;
                continue;
            }
            for (int k = 0; k < 8; ++k) {
                b[ibl].qs[8 * ib + k] = uint8_t(index[k] & 255);
                b[ibl].qh[ib] = uint8_t(b[ibl].qh[ib] | ((index[k] >> 8) << k));
            }
            std::memcpy(b[ibl].signs + 4 * ib, signs, 4);
            max_scale = std::max(max_scale, scales[ib]);
        }
        if (max_scale == 0.f) continue;
        const float d = max_scale / 31;
        b[ibl].d = fp32_to_fp16(d * 1.033f);
        const float id = 1 / d;
        for (int ib = 0; ib < QK_K / kGroup; ib += 2)
            b[ibl].scales[ib / 2] = uint8_t(scale_code(id, scales[ib]) | (scale_code(id, scales[ib + 1]) << 4));
    }
}

}  // namespace lumen::kernels
