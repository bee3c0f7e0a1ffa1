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
#include "scalar/iq_search.hpp"
#include "scalar/rounding.hpp"

namespace lumen::kernels {

namespace {

constexpr int kGroup = 32;
constexpr int kMaxQ = 8;  // digits 0..7 stand for the odd values 1..15

struct Iq3Rules {
    const IqGridSearch& grid;
    bool even_parity;    // IQ3_XXS: 7-bit sign codes; one sign flipped to keep parity even
    int trials;          // trial scales is = -trials..trials
    float zero_eps;      // groups with max below this are zero
    bool on_grid_init;   // initial "on grid" flags before any trial is accepted
    bool refine_all;     // the final pass re-snaps every group (IQ3_S) or only off-grid ones
};

// Weighted sums of the fit x ≈ scale * (2L + 1).
void fit_sums(const float* w, const float* xval, const int8_t* L, float& sumqx, float& sumq2) {
    sumqx = sumq2 = 0;
    for (int i = 0; i < kGroup; ++i) {
        const float q = float(2 * L[i] + 1);
        sumqx += w[i] * xval[i] * q;
        sumq2 += w[i] * q * q;
    }
}

// Digits of the 4 values of xval at inverse scale id (clamped), as a key.
uint32_t snap(const float* xval, float id, int8_t* L) {
    uint32_t key = 0;
    for (int i = 0; i < 4; ++i) {
        L[i] = int8_t(std::clamp(nearest_int(0.5f * (id * xval[i] - 1)), 0, kMaxQ - 1));
        key |= uint32_t(L[i]) << (3 * i);
    }
    return key;
}

// Signs of 4 runs of 8 values: xval = |x|, bit i set for a negative value. With
// even parity, an odd run flips the value of least w*x^2 (it goes in with the
// wrong sign) and keeps 7 bits.
void take_signs(const float* x, const float* w, bool even_parity, int runs, float* xval, uint8_t* signs) {
    for (int k = 0; k < runs; ++k) {
        int nflip = 0;
        uint8_t s = 0;
        for (int i = 0; i < 8; ++i) {
            const float v = x[8 * k + i];
            if (v >= 0) {
                xval[8 * k + i] = v;
            } else {
                xval[8 * k + i] = -v;
                ++nflip;
                s = uint8_t(s | (1 << i));
            }
        }
        if (even_parity && nflip % 2) {
            int imin = 0;
            float min = w[8 * k] * x[8 * k] * x[8 * k];
            for (int i = 1; i < 8; ++i) {
                const float ax = w[8 * k + i] * x[8 * k + i] * x[8 * k + i];
                if (ax < min) {
                    min = ax;
                    imin = i;
                }
            }
            xval[8 * k + imin] = -xval[8 * k + imin];
            s = uint8_t(s ^ (1 << imin));
        }
        signs[k] = even_parity ? uint8_t(s & 127) : s;
    }
}

// Fits one group: grid indices (8) and sign codes (4); returns the scale, or -1
// for an all-zero group (nothing stored).
float fit_group(const Iq3Rules& r, const float* x, const float* w, uint16_t* index, uint8_t* signs) {
    float xval[kGroup], waux[kGroup];
    int8_t L[kGroup], Laux[kGroup];
    bool on_grid[8], on_grid_aux[8];
    for (int i = 0; i < kGroup; ++i) waux[i] = std::sqrt(w[i]);
    take_signs(x, w, r.even_parity, 4, xval, signs);
    float max = xval[0];
    for (int i = 1; i < kGroup; ++i) max = std::max(max, xval[i]);
    std::memset(L, 0, sizeof L);
    if (max < r.zero_eps || max == 0.f) return -1.f;
    float best = 0;
    float scale = max / (2 * kMaxQ - 1);
    std::fill(on_grid, on_grid + 8, r.on_grid_init);
    for (int is = -r.trials; is <= r.trials; ++is) {
        const float id = (2 * kMaxQ - 1 + is * 0.2f) / max;
        const float this_scale = 1 / id;
        for (int k = 0; k < 8; ++k) {
            const uint32_t key = snap(xval + 4 * k, id, Laux + 4 * k);
            on_grid_aux[k] = r.grid.index_of(key) >= 0;
            if (!on_grid_aux[k]) best_neighbour(r.grid, key, xval + 4 * k, waux + 4 * k, this_scale, Laux + 4 * k);
        }
        float sumqx, sumq2;
        fit_sums(w, xval, Laux, sumqx, sumq2);
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            scale = sumqx / sumq2;
            best = scale * sumqx;
            std::memcpy(L, Laux, sizeof L);
            std::copy(on_grid_aux, on_grid_aux + 8, on_grid);
        }
    }
    const bool any_off = std::find(on_grid, on_grid + 8, false) != on_grid + 8;
    if (any_off && scale > 0) {
        const float id = 1 / scale;
        for (int k = 0; k < 8; ++k) {
            if (!r.refine_all && on_grid[k]) continue;
            int8_t digits[4];
            const uint32_t key = snap(xval + 4 * k, id, digits);
            int gi = r.grid.index_of(key);
            if (gi < 0) gi = best_neighbour(r.grid, key, xval + 4 * k, waux + 4 * k, scale, L + 4 * k);
            const int8_t* p = r.grid.point(gi);
            for (int i = 0; i < 4; ++i) L[4 * k + i] = int8_t((p[i] - 1) / 2);
        }
        float sumqx, sumq2;
        fit_sums(w, xval, L, sumqx, sumq2);
        if (sumq2 > 0) scale = sumqx / sumq2;
    }
    if (scale < 0) {  // cannot happen for these fits; kept as the reference does
        scale = -scale;
        for (int k = 0; k < 4; ++k) signs[k] = r.even_parity ? uint8_t(~signs[k] & 127) : uint8_t(~signs[k]);
    }
    for (int k = 0; k < 8; ++k) {
        uint32_t key = 0;
        for (int i = 0; i < 4; ++i) key |= uint32_t(L[4 * k + i]) << (3 * i);
        index[k] = uint16_t(r.grid.index_of(key));
    }
    return scale;
}

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
    const Iq3Rules rules{iq3xxs_search(), true, 15, 1e-8f, true, false};
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
            scales[ib] = fit_group(rules, x + kGroup * ib, w, index, signs);
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
    const Iq3Rules rules{iq3s_search(), false, 9, 0.f, false, true};
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
            scales[ib] = fit_group(rules, x + kGroup * ib, w, index, signs);
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
