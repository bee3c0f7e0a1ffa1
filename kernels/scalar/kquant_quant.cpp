// K-quant quantizers (Q2_K..Q6_K) and TQ2_0, without and with importance
// weights. Without, they are the reference's "ref" quantizers; with, its
// weighted ones (scales and minimums fitted by weighted least squares, then
// themselves quantized with the group weight sums). Both follow the reference's
// arithmetic step for step: the goal is byte-identical files.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "fp16.hpp"
#include "scalar/file_quantizers.hpp"
#include "scalar/kquant_search.hpp"
#include "scalar/kquants_unpack.hpp"
#include "scalar/reference.hpp"
#include "scalar/rounding.hpp"

namespace lumen::kernels {

namespace {

// Packs 2-bit values L[0..255] as Q2_K/Q3_K/TQ2_0 store them (4 per byte, 32-byte runs).
void pack_2bit(const uint8_t* L, uint8_t* qs) {
    for (int j = 0; j < QK_K; j += 128)
        for (int l = 0; l < 32; ++l)
            qs[j / 4 + l] = uint8_t(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
}

// Re-quantizes every element against the final (rounded) group scale/min.
void requantize_groups(const float* x, uint8_t* L, int group, int lmax, const float* d, const float* dm) {
    for (int g = 0; g < QK_K / group; ++g) {
        if (d[g] == 0.f) continue;
        for (int k = 0; k < group; ++k) {
            const int l = nearest_int((x[g * group + k] + dm[g]) / d[g]);
            L[g * group + k] = uint8_t(std::clamp(l, 0, lmax));
        }
    }
}

// sigma^2 of a super-block: (scale * sum x^2) / 256.
float sigma2_of(const float* x, float scale) {
    float s = 0;
    for (int k = 0; k < QK_K; ++k) s += x[k] * x[k];
    return scale * s / QK_K;
}

// Importance-weighted group weights qw * sqrt(sigma2 + x^2); returns their sum.
float importance(const float* x, const float* qw, float sigma2, int n, float* w) {
    float sum = 0;
    for (int l = 0; l < n; ++l) w[l] = qw[l] * std::sqrt(sigma2 + x[l] * x[l]);
    for (int l = 0; l < n; ++l) sum += w[l];
    return sum;
}

// ---- Q2_K -------------------------------------------------------------------
// Requantizes against the stored scales/mins and packs.
void finish_q2_k(const float* x, uint8_t* L, BlockQ2_K& b) {
    float d[16], dm[16];
    for (int j = 0; j < 16; ++j) {
        d[j] = fp16_to_fp32(b.d) * (b.scales[j] & 0xF);
        dm[j] = fp16_to_fp32(b.dmin) * (b.scales[j] >> 4);
    }
    requantize_groups(x, L, 16, 3, d, dm);
    pack_2bit(L, b.qs);
}

void q2_k_block(const float* x, BlockQ2_K& b) {
    uint8_t L[QK_K], Laux[16];
    float weights[16], mins[16], scales[16];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 16; ++j) {
        for (int l = 0; l < 16; ++l) weights[l] = std::fabs(x[16 * j + l]);
        scales[j] = fit_scale_min(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], Laux, -0.5f, 0.1f, 15, true);
        max_scale = std::max(max_scale, scales[j]);
        max_min = std::max(max_min, mins[j]);
    }
    if (max_scale > 0) {
        const float iscale = 15.f / max_scale;
        for (int j = 0; j < 16; ++j) b.scales[j] = uint8_t(nearest_int(iscale * scales[j]));
        b.d = fp32_to_fp16(max_scale / 15.f);
    } else {
        std::memset(b.scales, 0, 16);
        b.d = fp32_to_fp16(0.f);
    }
    if (max_min > 0) {
        const float iscale = 15.f / max_min;
        for (int j = 0; j < 16; ++j) b.scales[j] |= uint8_t(nearest_int(iscale * mins[j]) << 4);
        b.dmin = fp32_to_fp16(max_min / 15.f);
    } else {
        b.dmin = fp32_to_fp16(0.f);
    }
    finish_q2_k(x, L, b);
}

void q2_k_block_weighted(const float* x, const float* qw, BlockQ2_K& b) {
    uint8_t L[QK_K], Laux[16], Ls[16], Lm[16];
    float w[16], sw[16], mins[16], scales[16];
    const float sigma2 = sigma2_of(x, 1.f);
    for (int j = 0; j < 16; ++j) {
        sw[j] = importance(x + 16 * j, qw + 16 * j, sigma2, 16, w);
        scales[j] = fit_scale_min(16, 3, x + 16 * j, w, L + 16 * j, &mins[j], Laux, -0.9f, 0.05f, 36, false);
    }
    b.d = fp32_to_fp16(fit_scale_positive(16, 15, scales, Ls, sw));
    b.dmin = fp32_to_fp16(fit_scale_positive(16, 15, mins, Lm, sw));
    for (int j = 0; j < 16; ++j) b.scales[j] = uint8_t(Ls[j] | (Lm[j] << 4));
    finish_q2_k(x, L, b);
}

// ---- Q3_K -------------------------------------------------------------------
// Stores 16 6-bit scale codes (l + 32) in the 12 scale bytes.
void store_q3_scales(const int* codes, uint8_t* scales) {
    std::memset(scales, 0, 12);
    for (int j = 0; j < 16; ++j) {
        const int l = codes[j];
        if (j < 8) scales[j] = uint8_t(l & 0xF);
        else scales[j - 8] |= uint8_t((l & 0xF) << 4);
        scales[j % 4 + 8] |= uint8_t((l >> 4) << (2 * (j / 4)));
    }
}

// Requantizes against the stored scales; packs low bits and the hmask.
void finish_q3_k(const float* x, int8_t* L, BlockQ3_K& b) {
    for (int j = 0; j < 16; ++j) {
        const float d = fp16_to_fp32(b.d) * float(unpack_scale_q3_k(j, b.scales));
        if (d == 0.f) continue;
        for (int k = 0; k < 16; ++k) L[16 * j + k] = int8_t(std::clamp(nearest_int(x[16 * j + k] / d), -4, 3) + 4);
    }
    // Bit 2 of each 3-bit value goes to hmask: element k -> byte k%32, bit k/32.
    std::memset(b.hmask, 0, 32);
    uint8_t low[QK_K];
    for (int k = 0; k < QK_K; ++k) {
        if (L[k] > 3) b.hmask[k % 32] |= uint8_t(1 << (k / 32));
        low[k] = uint8_t(L[k] > 3 ? L[k] - 4 : L[k]);
    }
    pack_2bit(low, b.qs);
}

void q3_k_block(const float* x, BlockQ3_K& b) {
    int8_t L[QK_K];
    float scales[16];
    float max_scale = 0, amax = 0;
    for (int j = 0; j < 16; ++j) {
        scales[j] = fit_scale_q3(16, 4, x + 16 * j, L + 16 * j);
        if (std::fabs(scales[j]) > amax) {
            amax = std::fabs(scales[j]);
            max_scale = scales[j];
        }
    }
    if (max_scale != 0.f) {
        const float iscale = -32.f / max_scale;
        int codes[16];
        for (int j = 0; j < 16; ++j) codes[j] = std::clamp(nearest_int(iscale * scales[j]), -32, 31) + 32;
        store_q3_scales(codes, b.scales);
        b.d = fp32_to_fp16(1 / iscale);
    } else {
        std::memset(b.scales, 0, 12);
        b.d = fp32_to_fp16(0.f);
    }
    finish_q3_k(x, L, b);
}

void q3_k_block_weighted(const float* x, const float* qw, BlockQ3_K& b) {
    int8_t L[QK_K], Ls[16];
    float w[16], sw[16], scales[16];
    const float sigma2 = sigma2_of(x, 2.f);
    for (int j = 0; j < 16; ++j) {
        sw[j] = importance(x + 16 * j, qw + 16 * j, sigma2, 16, w);
        scales[j] = fit_scale_symmetric(16, 4, x + 16 * j, L + 16 * j, w);
    }
    const float d_block = fit_scale_symmetric(16, 32, scales, Ls, sw);
    int codes[16];
    for (int j = 0; j < 16; ++j) codes[j] = Ls[j];
    store_q3_scales(codes, b.scales);
    b.d = fp32_to_fp16(d_block);
    finish_q3_k(x, L, b);
}

// ---- Q4_K / Q5_K --------------------------------------------------------------
// Stores 8 6-bit scales and mins, the block scales, and requantizes L (nmax 15 or 31).
void finish_q45_k(const float* x, uint8_t* L, const uint8_t* ls, const uint8_t* lm, float d_block, float m_block,
                  uint16_t& d_out, uint16_t& dmin_out, uint8_t* scales_out, int nmax) {
    std::memset(scales_out, 0, 12);
    for (int j = 0; j < 8; ++j) {
        if (j < 4) {
            scales_out[j] = ls[j];
            scales_out[j + 4] = lm[j];
        } else {
            scales_out[j + 4] = uint8_t((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
            scales_out[j - 4] |= uint8_t((ls[j] >> 4) << 6);
            scales_out[j] |= uint8_t((lm[j] >> 4) << 6);
        }
    }
    d_out = fp32_to_fp16(d_block);
    dmin_out = fp32_to_fp16(m_block);
    float d[8], dm[8];
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        unpack_scale_min_k4(j, scales_out, sc, m);
        d[j] = fp16_to_fp32(d_out) * sc;
        dm[j] = fp16_to_fp32(dmin_out) * m;
    }
    requantize_groups(x, L, 32, nmax, d, dm);
}

void q45_k_fit(const float* x, uint8_t* L, uint16_t& d_out, uint16_t& dmin_out, uint8_t* scales_out, int nmax,
               float rmin, int nstep) {
    float mins[8], scales[8], weights[32];
    uint8_t Laux[32], ls[8], lm[8];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 8; ++j) {
        float sum_x2 = 0;
        for (int l = 0; l < 32; ++l) sum_x2 += x[32 * j + l] * x[32 * j + l];
        const float av_x = std::sqrt(sum_x2 / 32);
        for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(x[32 * j + l]);
        scales[j] = fit_scale_min(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, rmin, 0.1f, nstep, false);
        max_scale = std::max(max_scale, scales[j]);
        max_min = std::max(max_min, mins[j]);
    }
    const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
    const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
    for (int j = 0; j < 8; ++j) {
        ls[j] = uint8_t(std::min(63, std::clamp(nearest_int(inv_scale * scales[j]), 0, 255)));
        lm[j] = uint8_t(std::min(63, std::clamp(nearest_int(inv_min * mins[j]), 0, 255)));
    }
    finish_q45_k(x, L, ls, lm, max_scale / 63.f, max_min / 63.f, d_out, dmin_out, scales_out, nmax);
}

void q45_k_fit_weighted(const float* x, const float* qw, uint8_t* L, uint16_t& d_out, uint16_t& dmin_out,
                        uint8_t* scales_out, int nmax) {
    float mins[8], scales[8], w[32], sw[8];
    uint8_t Laux[32], ls[8], lm[8];
    const float sigma2 = sigma2_of(x, 2.f);
    for (int j = 0; j < 8; ++j) {
        sw[j] = importance(x + 32 * j, qw + 32 * j, sigma2, 32, w);
        scales[j] = fit_scale_min(32, nmax, x + 32 * j, w, L + 32 * j, &mins[j], Laux, -0.9f, 0.05f, 36, false);
    }
    const float d_block = fit_scale_positive(8, 63, scales, ls, sw);
    const float m_block = fit_scale_positive(8, 63, mins, lm, sw);
    finish_q45_k(x, L, ls, lm, d_block, m_block, d_out, dmin_out, scales_out, nmax);
}

void pack_q4_k(const uint8_t* L, BlockQ4_K& b) {
    for (int j = 0; j < QK_K; j += 64)
        for (int l = 0; l < 32; ++l) b.qs[j / 2 + l] = uint8_t(L[j + l] | (L[j + l + 32] << 4));
}

void pack_q5_k(const uint8_t* L, BlockQ5_K& b) {
    std::memset(b.qh, 0, 32);
    for (int j = 0; j < QK_K; j += 64) {
        const int bit = j / 32;  // 2 bits per 64-element chunk
        for (int l = 0; l < 32; ++l) {
            const int l1 = L[j + l], l2 = L[j + l + 32];
            b.qh[l] |= uint8_t(((l1 >> 4) << bit) | ((l2 >> 4) << (bit + 1)));
            b.qs[j / 2 + l] = uint8_t((l1 & 0xF) | ((l2 & 0xF) << 4));
        }
    }
}

// ---- Q6_K -------------------------------------------------------------------
void q6_k_block(const float* x, const float* qw, BlockQ6_K& b) {
    int8_t L[QK_K];
    float scales[16];
    float max_scale = 0, amax = 0;
    for (int j = 0; j < 16; ++j) {
        scales[j] = fit_scale_symmetric(16, 32, x + 16 * j, L + 16 * j, qw ? qw + 16 * j : nullptr);
        if (std::fabs(scales[j]) > amax) {
            amax = std::fabs(scales[j]);
            max_scale = scales[j];
        }
    }
    if (amax < 1e-15f) {
        std::memset(&b, 0, sizeof b);
        return;
    }
    const float iscale = -128.f / max_scale;
    b.d = fp32_to_fp16(1 / iscale);
    for (int j = 0; j < 16; ++j) b.scales[j] = int8_t(std::min(127, nearest_int(iscale * scales[j])));
    for (int j = 0; j < 16; ++j) {
        const float d = fp16_to_fp32(b.d) * b.scales[j];
        if (d == 0.f) continue;
        for (int k = 0; k < 16; ++k) L[16 * j + k] = int8_t(std::clamp(nearest_int(x[16 * j + k] / d), -32, 31) + 32);
    }
    for (int j = 0; j < QK_K; j += 128) {
        uint8_t* ql = b.ql + j / 2;
        uint8_t* qh = b.qh + j / 4;
        for (int l = 0; l < 32; ++l) {
            const int q1 = L[j + l], q2 = L[j + l + 32], q3 = L[j + l + 64], q4 = L[j + l + 96];
            ql[l] = uint8_t((q1 & 0xF) | ((q3 & 0xF) << 4));
            ql[l + 32] = uint8_t((q2 & 0xF) | ((q4 & 0xF) << 4));
            qh[l] = uint8_t((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
        }
    }
}

}  // namespace

// File quantizers: the weighted variant when importance weights are given.
void quantize_q2_k_rows(const float* x, void* dst, int64_t n, const float* qw) {
    auto* b = static_cast<BlockQ2_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        if (qw) q2_k_block_weighted(x, qw + i * QK_K, b[i]);
        else q2_k_block(x, b[i]);
    }
}

void quantize_q3_k_rows(const float* x, void* dst, int64_t n, const float* qw) {
    auto* b = static_cast<BlockQ3_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        if (qw) q3_k_block_weighted(x, qw + i * QK_K, b[i]);
        else q3_k_block(x, b[i]);
    }
}

namespace {

// Q4_K and Q5_K rows: the fit (weighted or not) and the type's packing.
template <class Block>
void q45_k_rows(const float* x, void* dst, int64_t n, const float* qw, int nmax, float rmin, int nstep,
                void (*pack)(const uint8_t*, Block&)) {
    auto* b = static_cast<Block*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        uint8_t L[QK_K];
        if (qw) q45_k_fit_weighted(x, qw + i * QK_K, L, b[i].d, b[i].dmin, b[i].scales, nmax);
        else q45_k_fit(x, L, b[i].d, b[i].dmin, b[i].scales, nmax, rmin, nstep);
        pack(L, b[i]);
    }
}

}  // namespace

void quantize_q4_k_rows(const float* x, void* dst, int64_t n, const float* qw) {
    q45_k_rows<BlockQ4_K>(x, dst, n, qw, 15, -1.f, 20, pack_q4_k);
}

void quantize_q5_k_rows(const float* x, void* dst, int64_t n, const float* qw) {
    q45_k_rows<BlockQ5_K>(x, dst, n, qw, 31, -0.5f, 15, pack_q5_k);
}

void quantize_q6_k_rows(const float* x, void* dst, int64_t n, const float* qw) {
    auto* b = static_cast<BlockQ6_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) q6_k_block(x, qw ? qw + i * QK_K : nullptr, b[i]);
}

// The traits-table entries (no importance weights).
void ref::quant_q2_k(const float* x, void* dst, int64_t n) { quantize_q2_k_rows(x, dst, n, nullptr); }
void ref::quant_q3_k(const float* x, void* dst, int64_t n) { quantize_q3_k_rows(x, dst, n, nullptr); }
void ref::quant_q4_k(const float* x, void* dst, int64_t n) { quantize_q4_k_rows(x, dst, n, nullptr); }
void ref::quant_q5_k(const float* x, void* dst, int64_t n) { quantize_q5_k_rows(x, dst, n, nullptr); }
void ref::quant_q6_k(const float* x, void* dst, int64_t n) { quantize_q6_k_rows(x, dst, n, nullptr); }

void ref::quant_tq2_0(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockTQ2_0*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        float amax = 0;
        for (int k = 0; k < QK_K; ++k) amax = std::max(amax, std::fabs(x[k]));
        const float id = amax != 0.f ? 1.0f / amax : 0.0f;
        uint8_t L[QK_K];
        for (int k = 0; k < QK_K; ++k) L[k] = uint8_t((round_clamped(x[k] * id, -1, 1) + 1) & 3);
        pack_2bit(L, b[i].qs);
        b[i].d = fp32_to_fp16(amax);
    }
}

}  // namespace lumen::kernels
