// Quantizers of the 1-bit grid types IQ1_S (groups of 32, one delta sign per
// group) and IQ1_M (groups of 16, a delta sign per 8 values). Values are
// ternary {-1, 0, 1} shifted by +-delta, 8 at a time a point of the 2048-point
// IQ1 grid. Per group the exact weighted least-squares split into the three
// levels is searched over the sorted values; points off the grid snap to their
// best neighbour. Both need importance weights; the arithmetic follows the
// reference quantizer (identical bytes).
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <utility>

#include "fp16.hpp"
#include "iq_blocks.hpp"
#include "scalar/file_quantizers.hpp"
#include "scalar/iq_grids.hpp"
#include "scalar/iq_search.hpp"
#include "scalar/rounding.hpp"

namespace lumen::kernels {

namespace {

constexpr float kPlus[3] = {-1 + kIQ1Delta, kIQ1Delta, 1 + kIQ1Delta};
constexpr float kMinus[3] = {-1 - kIQ1Delta, -kIQ1Delta, 1 - kIQ1Delta};

float block_sigma2(const float* x) {
    float s = 0;
    for (int i = 0; i < QK_K; ++i) s += x[i] * x[i];
    return 2 * s / QK_K;
}

// Order of the group's values, ascending (stable: equal values keep their order).
void sort_order(const float* x, int n, int* order) {
    std::pair<float, int> p[32];
    for (int j = 0; j < n; ++j) p[j] = {x[j], j};
    std::stable_sort(p, p + n, [](const auto& a, const auto& b) { return a.first < b.first; });
    for (int j = 0; j < n; ++j) order[j] = p[j].second;
}

// Grid point for 8 level digits L (0..2): the point itself, or the neighbour with
// the least weighted squared error at `scale` with levels xx (writes its digits).
int grid_point(const IqGridSearch& g, int8_t* L, const float* x, const float* w, float scale, const float* xx,
               bool& on_grid) {
    uint32_t key = 0;
    for (int j = 0; j < 8; ++j) key |= uint32_t(L[j]) << (2 * j);
    const int gi = g.index_of(key);
    if (gi >= 0) return gi;
    on_grid = false;
    float best = FLT_MAX;
    int best_index = -1;
    for (const uint16_t n : g.neighbours(key)) {
        const int8_t* p = g.point(n);
        float d2 = 0;
        for (int i = 0; i < 8; ++i) {
            const float diff = scale * xx[(p[i] - 1) / 2] - x[i];
            d2 += w[i] * diff * diff;
        }
        if (d2 < best) {
            best = d2;
            best_index = n;
        }
    }
    const int8_t* p = g.point(best_index);
    for (int i = 0; i < 8; ++i) L[i] = int8_t((p[i] - 1) / 2);
    return best_index;
}

// Least-squares scale of the chosen points (levels(k): the shifted levels of
// point k); `scale` when the fit is not positive.
template <class Levels>
float refit_scale(const uint16_t* index, int points, const float* xb, const float* w, Levels levels, float scale) {
    float sumqx = 0, sumq2 = 0;
    for (int k = 0; k < points; ++k) {
        const int8_t* p = iq1s_search().point(index[k]);
        const float* xx = levels(k);
        for (int j = 0; j < 8; ++j) {
            const float q = xx[(p[j] - 1) / 2];
            sumqx += w[8 * k + j] * q * xb[8 * k + j];
            sumq2 += w[8 * k + j] * q * q;
        }
    }
    return sumqx > 0 && sumq2 > 0 ? sumqx / sumq2 : scale;
}

// IQ1_S: one group of 32. Returns the scale (0 for a zero group); shift +1 / -1.
float iq1_s_group(const float* xb, const float* w, uint16_t* index, int& shift) {
    constexpr int n = 32;
    float max = std::fabs(xb[0]);
    for (int i = 1; i < n; ++i) max = std::max(max, std::fabs(xb[i]));
    shift = 1;
    if (max < 1e-12f) return 0.f;
    int order[n];
    sort_order(xb, n, order);
    float sumx[n + 1], sumw[n + 1];
    sumx[0] = sumw[0] = 0;
    for (int j = 0; j < n; ++j) {
        const int i = order[j];
        sumx[j + 1] = sumx[j] + w[i] * xb[i];
        sumw[j + 1] = sumw[j] + w[i];
    }
    float best_score = -FLT_MAX, scale = max;
    int besti1 = -1, besti2 = -1, best_shift = 0;
    for (int i1 = 0; i1 <= n; ++i1) {
        for (int i2 = i1; i2 <= n; ++i2) {
            for (const float* v : {kPlus, kMinus}) {
                const float sumqx = (sumx[i1] - sumx[0]) * v[0] + (sumx[i2] - sumx[i1]) * v[1] + (sumx[n] - sumx[i2]) * v[2];
                const float sumq2 = (sumw[i1] - sumw[0]) * v[0] * v[0] + (sumw[i2] - sumw[i1]) * v[1] * v[1] +
                                    (sumw[n] - sumw[i2]) * v[2] * v[2];
                if (sumq2 > 0 && sumqx * sumqx > best_score * sumq2) {
                    scale = sumqx / sumq2;
                    best_score = scale * sumqx;
                    besti1 = i1;
                    besti2 = i2;
                    best_shift = v == kPlus ? 1 : -1;
                }
            }
        }
    }
    if (besti1 < 0 || besti2 < 0 || best_shift == 0) return 0.f;
    int8_t L[n];
    for (int j = 0; j < n; ++j) L[order[j]] = int8_t(j < besti1 ? 0 : j < besti2 ? 1 : 2);
    if (scale < 0) {
        for (int j = 0; j < n; ++j) L[j] = int8_t(2 - L[j]);
        scale = -scale;
        best_shift = -best_shift;
    }
    const float* xx = best_shift == 1 ? kPlus : kMinus;
    bool on_grid = true;
    for (int k = 0; k < n / 8; ++k) index[k] = uint16_t(grid_point(iq1s_search(), L + 8 * k, xb + 8 * k, w + 8 * k, scale, xx, on_grid));
    if (!on_grid) scale = refit_scale(index, n / 8, xb, w, [xx](int) { return xx; }, scale);
    shift = best_shift;
    return scale;
}

// IQ1_M: one group of 16, each half with its own delta sign: combination k is
// (first half, second half) = (+,+), (+,-), (-,+), (-,-). Returns the scale (0
// for a zero group) and k.
float iq1_m_group(const float* xb, const float* w, uint16_t* index, int& best_k) {
    constexpr int n = 16;
    float max = std::fabs(xb[0]);
    for (int i = 1; i < n; ++i) max = std::max(max, std::fabs(xb[i]));
    best_k = 0;
    if (max < 1e-7f) return 0.f;
    int order[n];
    sort_order(xb, n, order);
    float best_score = -FLT_MAX, scale = max;
    int besti1 = -1, besti2 = -1, bk = -1;
    for (int i1 = 0; i1 <= n; ++i1) {
        for (int i2 = i1; i2 <= n; ++i2) {
            float sumqx[4] = {}, sumq2[4] = {};
            for (int j = 0; j < n; ++j) {
                const int level = j < i1 ? 0 : j < i2 ? 1 : 2;
                const int i = order[j];
                const float p = kPlus[level], m = kMinus[level];
                // Halves: k uses the plus levels for the first half when k < 2,
                // for the second half when k is even.
                const bool first = i < n / 2;
                for (int k = 0; k < 4; ++k) {
                    const bool plus = first ? k < 2 : k % 2 == 0;
                    const float v = plus ? p : m;
                    sumqx[k] += w[i] * v * xb[i];
                    sumq2[k] += w[i] * v * v;
                }
            }
            for (int k = 0; k < 4; ++k) {
                if (sumq2[k] > 0 && sumqx[k] * sumqx[k] > best_score * sumq2[k]) {
                    scale = sumqx[k] / sumq2[k];
                    best_score = scale * sumqx[k];
                    besti1 = i1;
                    besti2 = i2;
                    bk = k;
                }
            }
        }
    }
    if (besti1 < 0 || besti2 < 0 || bk < 0) return 0.f;
    int8_t L[n];
    for (int j = 0; j < n; ++j) L[order[j]] = int8_t(j < besti1 ? 0 : j < besti2 ? 1 : 2);
    if (scale < 0) {
        for (int j = 0; j < n; ++j) L[j] = int8_t(2 - L[j]);
        scale = -scale;
        bk = 3 - bk;
    }
    auto levels = [bk](int k) { return (k == 0 ? bk < 2 : bk % 2 == 0) ? kPlus : kMinus; };
    bool on_grid = true;
    for (int k = 0; k < 2; ++k)
        index[k] = uint16_t(grid_point(iq1s_search(), L + 8 * k, xb + 8 * k, w + 8 * k, scale, levels(k), on_grid));
    if (!on_grid) scale = refit_scale(index, 2, xb, w, levels, scale);
    best_k = bk;
    return scale;
}

}  // namespace

void quantize_iq1_s_rows(const float* x, void* dst, int64_t n, const float* qw) {
    constexpr int kGroup = 32;
    auto* b = static_cast<BlockIQ1_S*>(dst);
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        b[ibl].d = fp32_to_fp16(0.f);
        std::memset(b[ibl].qs, 0, sizeof b[ibl].qs);
        std::memset(b[ibl].qh, 0, sizeof b[ibl].qh);
        float scales[QK_K / kGroup], w[kGroup];
        int shifts[QK_K / kGroup];
        const float sigma2 = block_sigma2(x);
        float max_scale = 0;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            const float* xb = x + kGroup * ib;
            const float* q = qw + ibl * QK_K + kGroup * ib;
            for (int i = 0; i < kGroup; ++i) w[i] = q[i] * std::sqrt(sigma2 + xb[i] * xb[i]);
            uint16_t index[4] = {};
            scales[ib] = iq1_s_group(xb, w, index, shifts[ib]);
            if (scales[ib] == 0.f) continue;
            uint16_t h = 0;
            for (int k = 0; k < 4; ++k) {
                b[ibl].qs[4 * ib + k] = uint8_t(index[k] & 255);
                h = uint16_t(h | ((index[k] >> 8) << (3 * k)));
            }
            b[ibl].qh[ib] = h;
            max_scale = std::max(max_scale, scales[ib]);
        }
        if (max_scale == 0.f) continue;
        const float d = max_scale / 15;
        b[ibl].d = fp32_to_fp16(d * 1.125f);
        const float id = 1 / d;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            int l = std::clamp(nearest_int(0.5f * (id * scales[ib] - 1)), 0, 7);
            if (shifts[ib] == -1) l |= 8;
            b[ibl].qh[ib] = uint16_t(b[ibl].qh[ib] | (l << 12));
        }
    }
}

}  // namespace lumen::kernels

namespace lumen::kernels {

void quantize_iq1_m_rows(const float* x, void* dst, int64_t n, const float* qw) {
    constexpr int kGroup = 16;
    constexpr uint8_t kShiftMasks[4] = {0x00, 0x80, 0x08, 0x88};
    auto* b = static_cast<BlockIQ1_M*>(dst);
    for (int64_t ibl = 0; ibl < n / QK_K; ++ibl, x += QK_K) {
        std::memset(&b[ibl], 0, sizeof b[ibl]);
        float scales[QK_K / kGroup], w[kGroup];
        int shifts[QK_K / kGroup];
        const float sigma2 = block_sigma2(x);
        auto weights = [&](int ib) {
            const float* xb = x + kGroup * ib;
            for (int i = 0; i < kGroup; ++i)
                w[i] = qw ? qw[ibl * QK_K + kGroup * ib + i] * std::sqrt(sigma2 + xb[i] * xb[i]) : xb[i] * xb[i];
        };
        float max_scale = 0;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            weights(ib);
            uint16_t index[2] = {};
            scales[ib] = iq1_m_group(x + kGroup * ib, w, index, shifts[ib]);
            if (scales[ib] == 0.f) continue;
            b[ibl].qs[2 * ib] = uint8_t(index[0] & 255);
            b[ibl].qs[2 * ib + 1] = uint8_t(index[1] & 255);
            b[ibl].qh[ib] = uint8_t((index[0] >> 8) | ((index[1] >> 8) << 4));
            max_scale = std::max(max_scale, scales[ib]);
        }
        if (max_scale == 0.f) continue;
        // 3-bit group scales against d, then d refitted over the whole block.
        uint16_t sc[4] = {};
        float d = max_scale / 15;
        const float id = 1 / d;
        float sumqx = 0, sumq2 = 0;
        for (int ib = 0; ib < QK_K / kGroup; ++ib) {
            const int l = std::clamp(nearest_int(0.5f * (id * scales[ib] - 1)), 0, 7);
            sc[ib / 4] = uint16_t(sc[ib / 4] | (l << (3 * (ib % 4))));
            b[ibl].qh[ib] = uint8_t(b[ibl].qh[ib] | kShiftMasks[shifts[ib]]);
            weights(ib);
            const float* xb = x + kGroup * ib;
            for (int k = 0; k < 2; ++k) {
                const bool plus = k == 0 ? shifts[ib] < 2 : shifts[ib] % 2 == 0;
                const float* xx = plus ? kPlus : kMinus;
                const int gi = b[ibl].qs[2 * ib + k] | ((b[ibl].qh[ib] << (8 - 4 * k)) & 0x700);
                const int8_t* p = iq1s_search().point(gi);
                for (int j = 0; j < 8; ++j) {
                    const float q = xx[(p[j] - 1) / 2] * float(2 * l + 1);
                    sumqx += w[8 * k + j] * q * xb[8 * k + j];
                    sumq2 += w[8 * k + j] * q * q;
                }
            }
        }
        if (sumq2 > 0) d = sumqx / sumq2;
        const uint16_t h = fp32_to_fp16(d * 1.1125f);
        sc[0] = uint16_t(sc[0] | ((h & 0x000f) << 12));
        sc[1] = uint16_t(sc[1] | ((h & 0x00f0) << 8));
        sc[2] = uint16_t(sc[2] | ((h & 0x0f00) << 4));
        sc[3] = uint16_t(sc[3] | (h & 0xf000));
        std::memcpy(b[ibl].scales, sc, sizeof sc);
    }
}

}  // namespace lumen::kernels
