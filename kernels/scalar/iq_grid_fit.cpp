// The grid group fit (see iq_grid_fit.hpp), with the reference quantizer's
// arithmetic and tie rules.
#include "scalar/iq_grid_fit.hpp"

#include "blocks.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "scalar/kquant_search.hpp"
#include "scalar/rounding.hpp"

namespace lumen::kernels {

namespace {

constexpr int kMaxGroup = 32;

// Weighted sums of the fit x ≈ scale * (2L + 1).
void fit_sums(int n, const float* w, const float* xval, const int8_t* L, float& sumqx, float& sumq2) {
    sumqx = sumq2 = 0;
    for (int i = 0; i < n; ++i) {
        const float q = float(2 * L[i] + 1);
        sumqx += w[i] * xval[i] * q;
        sumq2 += w[i] * q * q;
    }
}

// Digits of one point's values at inverse scale id (clamped to the grid's range), as a key.
uint32_t snap(const GridFitRules& r, const float* xval, float id, int8_t* L) {
    const int bits = r.grid.dims() == 8 ? 2 : 3;
    uint32_t key = 0;
    for (int i = 0; i < r.grid.dims(); ++i) {
        L[i] = int8_t(std::clamp(nearest_int(0.5f * (id * xval[i] - 1)), 0, r.max_q - 1));
        key |= uint32_t(L[i]) << (bits * i);
    }
    return key;
}

uint32_t key_of(const GridFitRules& r, const int8_t* L) {
    const int bits = r.grid.dims() == 8 ? 2 : 3;
    uint32_t key = 0;
    for (int i = 0; i < r.grid.dims(); ++i) key |= uint32_t(L[i]) << (bits * i);
    return key;
}

// Signs of runs of 8 values: xval = |x|, bit i set for a negative value. With
// even parity, an odd run flips the value of least w*x^2 (it goes in with the
// wrong sign) and keeps 7 bits.
void take_signs(const GridFitRules& r, const float* x, const float* w, float* xval, uint8_t* signs) {
    for (int k = 0; k < r.group / 8; ++k) {
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
        if (r.even_parity && nflip % 2) {
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
        signs[k] = r.even_parity ? uint8_t(s & 127) : s;
    }
}

}  // namespace

float fit_grid_group(const GridFitRules& r, const float* x, const float* w, uint16_t* index, uint8_t* signs) {
    const int n = r.group, dims = r.grid.dims(), points = n / dims;
    float xval[kMaxGroup] = {}, waux[kMaxGroup];
    int8_t L[kMaxGroup] = {}, Laux[kMaxGroup];
    bool on_grid[kMaxGroup / 4], on_grid_aux[kMaxGroup / 4];
    for (int i = 0; i < n; ++i) waux[i] = std::sqrt(w[i]);
    take_signs(r, x, w, xval, signs);
    float max = xval[0];
    for (int i = 1; i < n; ++i) max = std::max(max, xval[i]);
    if (max < r.zero_eps || max == 0.f) return -1.f;
    float scale, range;
    if (r.positive_fit) {
        uint8_t Lq[kMaxGroup];
        scale = fit_scale_positive(n, r.max_q + 1, xval, Lq, w);
        range = scale * r.max_q;
        if (range <= 0) return -1.f;
    } else {
        scale = max / (2 * r.max_q - 1);
        range = max;
    }
    float best = 0;
    std::fill(on_grid, on_grid + points, r.on_grid_init);
    for (int is = -r.trials; is <= r.trials; ++is) {
        const float id = (2 * r.max_q - 1 + is * r.step) / range;
        const float this_scale = 1 / id;
        for (int k = 0; k < points; ++k) {
            const uint32_t key = snap(r, xval + dims * k, id, Laux + dims * k);
            on_grid_aux[k] = r.grid.index_of(key) >= 0;
            if (!on_grid_aux[k])
                best_neighbour(r.grid, key, xval + dims * k, waux + dims * k, this_scale, Laux + dims * k);
        }
        float sumqx, sumq2;
        fit_sums(n, w, xval, Laux, sumqx, sumq2);
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            scale = sumqx / sumq2;
            best = scale * sumqx;
            std::memcpy(L, Laux, size_t(n));
            std::copy(on_grid_aux, on_grid_aux + points, on_grid);
        }
    }
    const bool any_off = std::find(on_grid, on_grid + points, false) != on_grid + points;
    if (scale > 0 && (r.refine == Refine::always || any_off)) {
        const float id = 1 / scale;
        for (int k = 0; k < points; ++k) {
            if (r.refine == Refine::off_grid_groups && on_grid[k]) continue;
            int8_t* Lk = L + dims * k;
            const uint32_t key = snap(r, xval + dims * k, id, Lk);
            if (r.grid.index_of(key) < 0) best_neighbour(r.grid, key, xval + dims * k, waux + dims * k, scale, Lk);
        }
        float sumqx, sumq2;
        fit_sums(n, w, xval, L, sumqx, sumq2);
        if (sumq2 > 0) scale = sumqx / sumq2;
    }
    if (scale < 0) {  // cannot happen for these fits; kept as the reference does
        scale = -scale;
        for (int k = 0; k < n / 8; ++k) signs[k] = r.even_parity ? uint8_t(~signs[k] & 127) : uint8_t(~signs[k]);
    }
    for (int k = 0; k < points; ++k) index[k] = uint16_t(r.grid.index_of(key_of(r, L + dims * k)));
    return scale;
}

void fit_grid_block(const GridFitRules& r, const float* x, const float* qw, float sigma2, float plain, BlockFit& out) {
    float w[kMaxGroup];
    out.max_scale = 0;
    for (int ib = 0; ib < QK_K / r.group; ++ib) {
        const float* xb = x + r.group * ib;
        for (int i = 0; i < r.group; ++i)
            w[i] = qw ? qw[r.group * ib + i] * std::sqrt(sigma2 + xb[i] * xb[i]) : plain * sigma2 + xb[i] * xb[i];
        const float scale = fit_grid_group(r, xb, w, out.index[ib], out.signs[ib]);
        out.zero[ib] = scale < 0;
        out.scales[ib] = out.zero[ib] ? 0.f : scale;
        out.max_scale = std::max(out.max_scale, out.scales[ib]);
    }
}

float block_sum_squares(const float* x) {
    float s = 0;
    for (int i = 0; i < QK_K; ++i) s += x[i] * x[i];
    return s;
}

int grid_scale_code(float id, float scale) { return std::clamp(nearest_int(0.5f * (id * scale - 1)), 0, 15); }

}  // namespace lumen::kernels
