// Quantizers of the 2-bit grid types IQ2_XXS (groups of 32: four 8-value points
// of a 256-point grid), IQ2_XS (groups of 16: two points of a 512-point grid,
// own 4-bit scales) and IQ2_S (IQ2_XS's layout on a 1024-point grid with free
// signs). IQ2_XXS and IQ2_XS need importance weights. The fit is the shared
// grid group fit (iq_grid_fit.hpp) with each type's rules; the arithmetic
// follows the reference quantizer (identical bytes).
#include <cstring>

#include "fp16.hpp"
#include "iq_blocks.hpp"
#include "scalar/file_quantizers.hpp"
#include "scalar/iq_grid_fit.hpp"

namespace lumen::kernels {

void quantize_iq2_xxs_rows(const float* x, void* dst, int64_t n, const float* qw) {
    constexpr int kGroup = 32;
    const GridFitRules rules{iq2xxs_search(), kGroup, 3, true, 6, 0.1f, 1e-15f, true, true, Refine::always};
    auto* b = static_cast<BlockIQ2_XXS*>(dst);
    BlockFit f;
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        fit_grid_block(rules, x, qw + ibl * QK_K, block_sum_squares(x) / QK_K, 0.f, f);
        // Per group two words: 4 grid bytes; 4 x 7-bit sign codes and the 4-bit scale.
        uint32_t q2[2 * QK_K / kGroup] = {};
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            if (f.zero[ib]) continue;
            for (int k = 0; k < 4; ++k) {
                q2[2 * ib] |= uint32_t(f.index[ib][k]) << (8 * k);
                q2[2 * ib + 1] |= uint32_t(f.signs[ib][k]) << (7 * k);
            }
        }
        b[ibl].d = fp32_to_fp16(0.f);
        if (f.max_scale == 0.f) {
            std::memset(b[ibl].qs, 0, sizeof b[ibl].qs);
            continue;
        }
        const float d = f.max_scale / 31;
        b[ibl].d = fp32_to_fp16(d);
        const float id = 1 / d;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) q2[2 * ib + 1] |= uint32_t(grid_scale_code(id, f.scales[ib])) << 28;
        std::memcpy(b[ibl].qs, q2, sizeof b[ibl].qs);
    }
}

namespace {

// IQ2_XS and IQ2_S share the layout of 16 groups of 16 with 4-bit scale pairs;
// d = max / 31 times the type's factor.
void store_scales(const BlockFit& f, float factor, uint16_t& d_out, uint8_t* scales) {
    const float d = f.max_scale / 31;
    d_out = fp32_to_fp16(d * factor);
    const float id = 1 / d;
    for (int ib = 0; ib < QK_K / 16; ++ib)
        scales[ib / 2] = uint8_t(scales[ib / 2] | (grid_scale_code(id, f.scales[ib]) << (4 * (ib % 2))));
}

}  // namespace

void quantize_iq2_xs_rows(const float* x, void* dst, int64_t n, const float* qw) {
    const GridFitRules rules{iq2xs_search(), 16, 3, true, 9, 0.1f, 1e-15f, false, true, Refine::off_grid_groups};
    auto* b = static_cast<BlockIQ2_XS*>(dst);
    BlockFit f;
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        fit_grid_block(rules, x, qw + ibl * QK_K, block_sum_squares(x) / QK_K, 0.f, f);
        // Per 8 values a word: 9-bit grid index, 7-bit sign code.
        uint16_t q2[QK_K / 8] = {};
        for (int ib = 0; ib < QK_K / 16; ++ib)
            if (!f.zero[ib])
                for (int k = 0; k < 2; ++k) q2[2 * ib + k] = uint16_t(f.index[ib][k] | (f.signs[ib][k] << 9));
        b[ibl].d = fp32_to_fp16(0.f);
        std::memset(b[ibl].scales, 0, sizeof b[ibl].scales);
        if (f.max_scale == 0.f) {
            std::memset(b[ibl].qs, 0, sizeof b[ibl].qs);
            continue;
        }
        store_scales(f, 1.f, b[ibl].d, b[ibl].scales);
        std::memcpy(b[ibl].qs, q2, sizeof b[ibl].qs);
    }
}

// IQ2_S also works without importance weights (then w = sigma^2 / 4 + x^2).
void quantize_iq2_s_rows(const float* x, void* dst, int64_t n, const float* qw) {
    const GridFitRules rules{iq2s_search(), 16, 3, false, 9, 0.1f, 1e-8f, false, true, Refine::off_grid_groups};
    auto* b = static_cast<BlockIQ2_S*>(dst);
    BlockFit f;
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        fit_grid_block(rules, x, qw ? qw + ibl * QK_K : nullptr, 2 * block_sum_squares(x) / QK_K, 0.25f, f);
        std::memset(&b[ibl], 0, sizeof b[ibl]);
        for (int ib = 0; ib < QK_K / 16; ++ib) {
            if (f.zero[ib]) continue;
            for (int k = 0; k < 2; ++k) {
                const int i8 = 2 * ib + k;
                b[ibl].qs[i8] = uint8_t(f.index[ib][k] & 255);
                b[ibl].qh[i8 / 4] = uint8_t(b[ibl].qh[i8 / 4] | ((f.index[ib][k] >> 8) << (2 * (i8 % 4))));
                b[ibl].qs[QK_K / 8 + i8] = f.signs[ib][k];
            }
        }
        if (f.max_scale == 0.f) continue;
        store_scales(f, 0.9875f, b[ibl].d, b[ibl].scales);
    }
}

}  // namespace lumen::kernels
