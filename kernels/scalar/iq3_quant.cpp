// Quantizers of the 3-bit grid types IQ3_XXS (256-point grid, signs with even
// parity) and IQ3_S (512-point grid, free signs). Per group of 32: magnitudes
// are matched to grid points of 4 coordinates over a range of trial scales
// (off-grid points snap to their best neighbour), the best weighted fit wins,
// then the group scales become 4-bit codes of one F16 block scale. The
// arithmetic follows the reference quantizer step for step (identical bytes).
#include <cstring>

#include "fp16.hpp"
#include "iq_blocks.hpp"
#include "scalar/file_quantizers.hpp"
#include "scalar/iq_grid_fit.hpp"

namespace lumen::kernels {

namespace {

constexpr int kGroup = 32;

// Fits with weights qw * sqrt(sigma^2 + x^2), sigma^2 = 2 mean(x^2), or x^2 without importance weights.
void fit_block(const GridFitRules& r, const float* x, const float* qw, BlockFit& f) {
    fit_grid_block(r, x, qw, 2 * block_sum_squares(x) / QK_K, 0.f, f);
}

}  // namespace

void quantize_iq3_xxs_rows(const float* x, void* dst, int64_t n, const float* qw) {
    const GridFitRules rules{iq3xxs_search(), kGroup, 8, true, 15, 0.2f, 1e-8f, false, true, Refine::off_grid_groups};
    auto* b = static_cast<BlockIQ3_XXS*>(dst);
    BlockFit f;
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        fit_block(rules, x, qw ? qw + ibl * QK_K : nullptr, f);
        // qs: 64 grid bytes, then 8 words of 4 x 7-bit signs and a 4-bit scale.
        uint8_t q3[3 * QK_K / 8] = {};
        uint32_t words[QK_K / kGroup] = {};
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            if (f.zero[ib]) continue;
            for (int k = 0; k < 8; ++k) q3[8 * ib + k] = uint8_t(f.index[ib][k]);
            const uint8_t* s = f.signs[ib];
            words[ib] = uint32_t(s[0]) | uint32_t(s[1]) << 7 | uint32_t(s[2]) << 14 | uint32_t(s[3]) << 21;
        }
        b[ibl].d = fp32_to_fp16(0.f);
        if (f.max_scale == 0.f) {
            std::memset(b[ibl].qs, 0, sizeof b[ibl].qs);
            continue;
        }
        const float d = f.max_scale / 31;
        b[ibl].d = fp32_to_fp16(d * 1.0125f);
        const float id = 1 / d;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) words[ib] |= uint32_t(grid_scale_code(id, f.scales[ib])) << 28;
        std::memcpy(q3 + QK_K / 4, words, sizeof words);
        std::memcpy(b[ibl].qs, q3, sizeof b[ibl].qs);
    }
}

void quantize_iq3_s_rows(const float* x, void* dst, int64_t n, const float* qw) {
    const GridFitRules rules{iq3s_search(), kGroup, 8, false, 9, 0.2f, 0.f, false, false, Refine::all_if_any_off};
    auto* b = static_cast<BlockIQ3_S*>(dst);
    BlockFit f;
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        fit_block(rules, x, qw ? qw + ibl * QK_K : nullptr, f);
        std::memset(&b[ibl], 0, sizeof b[ibl]);
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            if (f.zero[ib]) continue;
            for (int k = 0; k < 8; ++k) {
                b[ibl].qs[8 * ib + k] = uint8_t(f.index[ib][k] & 255);
                b[ibl].qh[ib] = uint8_t(b[ibl].qh[ib] | ((f.index[ib][k] >> 8) << k));
            }
            std::memcpy(b[ibl].signs + 4 * ib, f.signs[ib], 4);
        }
        if (f.max_scale == 0.f) continue;
        const float d = f.max_scale / 31;
        b[ibl].d = fp32_to_fp16(d * 1.033f);
        const float id = 1 / d;
        for (int ib = 0; ib < QK_K / kGroup; ib += 2)
            b[ibl].scales[ib / 2] =
                uint8_t(grid_scale_code(id, f.scales[ib]) | (grid_scale_code(id, f.scales[ib + 1]) << 4));
    }
}

}  // namespace lumen::kernels
