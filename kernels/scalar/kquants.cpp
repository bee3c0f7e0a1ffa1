// K-quants (Q2_K..Q6_K), their activation format Q8_K, and ternary TQ2_0:
// dequantize and dot product (via kquants_unpack.hpp) and the quantizers.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "fp16.hpp"
#include "scalar/kquant_search.hpp"
#include "scalar/kquants_unpack.hpp"
#include "scalar/reference.hpp"
#include "scalar/rounding.hpp"

namespace lumen::kernels::ref {

namespace {

float block_d(const BlockQ2_K& b) { return fp16_to_fp32(b.d); }
float block_d(const BlockQ3_K& b) { return fp16_to_fp32(b.d); }
float block_d(const BlockQ4_K& b) { return fp16_to_fp32(b.d); }
float block_d(const BlockQ5_K& b) { return fp16_to_fp32(b.d); }
float block_d(const BlockQ6_K& b) { return fp16_to_fp32(b.d); }
float block_d(const BlockTQ2_0& b) { return fp16_to_fp32(b.d); }
template <class B> float block_dmin(const B& b) { return fp16_to_fp32(b.dmin); }
template <> float block_dmin(const BlockQ3_K&) { return 0.f; }
template <> float block_dmin(const BlockQ6_K&) { return 0.f; }
template <> float block_dmin(const BlockTQ2_0&) { return 0.f; }

// y = (d * scale_g) * q - (dmin * min_g): the reference's operation order.
template <class Block>
void dequant_k(const void* src, float* y, int64_t n) {
    const auto* blocks = static_cast<const Block*>(src);
    UnpackedK u;
    for (int64_t i = 0; i < n / QK_K; ++i, y += QK_K) {
        unpack(blocks[i], u);
        const float d = block_d(blocks[i]), dmin = block_dmin(blocks[i]);
        for (int k = 0; k < QK_K; ++k) {
            const int g = k / u.group_size;
            y[k] = (d * float(u.scale[g])) * float(u.q[k]) - dmin * float(u.min[g]);
        }
    }
}

// Integer sums per group, then one float combination per super-block.
template <class Block>
float dot_k(int64_t n, const void* w, const void* a) {
    const auto* x = static_cast<const Block*>(w);
    const auto* y = static_cast<const BlockQ8_K*>(a);
    UnpackedK u;
    float sum = 0.f;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        unpack(x[i], u);
        int isum = 0, msum = 0;
        for (int g = 0; g < QK_K / u.group_size; ++g) {
            int qa = 0, asum = 0;
            for (int k = g * u.group_size; k < (g + 1) * u.group_size; ++k) {
                qa += u.q[k] * y[i].qs[k];
                asum += y[i].qs[k];
            }
            isum += u.scale[g] * qa;
            msum += u.min[g] * asum;
        }
        sum += y[i].d * (block_d(x[i]) * float(isum) - block_dmin(x[i]) * float(msum));
    }
    return sum;
}

}  // namespace

void dequant_q2_k(const void* s, float* y, int64_t n) { dequant_k<BlockQ2_K>(s, y, n); }
void dequant_q3_k(const void* s, float* y, int64_t n) { dequant_k<BlockQ3_K>(s, y, n); }
void dequant_q4_k(const void* s, float* y, int64_t n) { dequant_k<BlockQ4_K>(s, y, n); }
void dequant_q5_k(const void* s, float* y, int64_t n) { dequant_k<BlockQ5_K>(s, y, n); }
void dequant_q6_k(const void* s, float* y, int64_t n) { dequant_k<BlockQ6_K>(s, y, n); }
void dequant_tq2_0(const void* s, float* y, int64_t n) { dequant_k<BlockTQ2_0>(s, y, n); }
float dot_q2_k(int64_t n, const void* w, const void* a) { return dot_k<BlockQ2_K>(n, w, a); }
float dot_q3_k(int64_t n, const void* w, const void* a) { return dot_k<BlockQ3_K>(n, w, a); }
float dot_q4_k(int64_t n, const void* w, const void* a) { return dot_k<BlockQ4_K>(n, w, a); }
float dot_q5_k(int64_t n, const void* w, const void* a) { return dot_k<BlockQ5_K>(n, w, a); }
float dot_q6_k(int64_t n, const void* w, const void* a) { return dot_k<BlockQ6_K>(n, w, a); }
float dot_tq2_0(int64_t n, const void* w, const void* a) { return dot_k<BlockTQ2_0>(n, w, a); }

// ---- Q8_K (activations) -----------------------------------------------------
void dequant_q8_k(const void* src, float* y, int64_t n) {
    const auto* b = static_cast<const BlockQ8_K*>(src);
    for (int64_t i = 0; i < n / QK_K; ++i, y += QK_K)
        for (int k = 0; k < QK_K; ++k) y[k] = b[i].d * float(b[i].qs[k]);
}
void quant_q8_k(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ8_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        float max = 0, amax = 0;
        for (int k = 0; k < QK_K; ++k)
            if (std::fabs(x[k]) > amax) {
                amax = std::fabs(x[k]);
                max = x[k];
            }
        if (amax == 0.f || !std::isfinite(amax)) {
            b[i].d = 0;
            std::memset(b[i].qs, 0, sizeof b[i].qs);
            std::memset(b[i].bsums, 0, sizeof b[i].bsums);
            continue;
        }
        // Scaling by -127/max (not 128) keeps every product within int8 range.
        const float iscale = -127.f / max;
        for (int k = 0; k < QK_K; ++k) b[i].qs[k] = int8_t(std::clamp(nearest_int(iscale * x[k]), -128, 127));
        for (int g = 0; g < QK_K / 16; ++g) {
            int s = 0;
            for (int k = 0; k < 16; ++k) s += b[i].qs[g * 16 + k];
            b[i].bsums[g] = int16_t(s);
        }
        b[i].d = 1 / iscale;
    }
}
float dot_q8_k(int64_t, const void*, const void*) { return 0.f; }  // activation-only format

// ---- quantizers -------------------------------------------------------------
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

// Q4_K and Q5_K share everything but the bit width (nmax 15 or 31) and search.
void quant_q45_k(const float* x, uint8_t* L, uint16_t& d_out, uint16_t& dmin_out, uint8_t* scales_out, int nmax,
                 float rmin, int nstep) {
    float mins[8], scales[8], weights[32];
    uint8_t Laux[32];
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
    std::memset(scales_out, 0, 12);
    for (int j = 0; j < 8; ++j) {
        const uint8_t ls = uint8_t(std::min(63, std::clamp(nearest_int(inv_scale * scales[j]), 0, 255)));
        const uint8_t lm = uint8_t(std::min(63, std::clamp(nearest_int(inv_min * mins[j]), 0, 255)));
        if (j < 4) {
            scales_out[j] = ls;
            scales_out[j + 4] = lm;
        } else {
            scales_out[j + 4] = uint8_t((ls & 0xF) | ((lm & 0xF) << 4));
            scales_out[j - 4] |= uint8_t((ls >> 4) << 6);
            scales_out[j] |= uint8_t((lm >> 4) << 6);
        }
    }
    d_out = fp32_to_fp16(max_scale / 63.f);
    dmin_out = fp32_to_fp16(max_min / 63.f);
    float d[8], dm[8];
    for (int j = 0; j < 8; ++j) {
        uint8_t sc, m;
        unpack_scale_min_k4(j, scales_out, sc, m);
        d[j] = fp16_to_fp32(d_out) * sc;
        dm[j] = fp16_to_fp32(dmin_out) * m;
    }
    requantize_groups(x, L, 32, nmax, d, dm);
}

}  // namespace

void quant_q2_k(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ2_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
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
            for (int j = 0; j < 16; ++j) b[i].scales[j] = uint8_t(nearest_int(iscale * scales[j]));
            b[i].d = fp32_to_fp16(max_scale / 15.f);
        } else {
            std::memset(b[i].scales, 0, 16);
            b[i].d = fp32_to_fp16(0.f);
        }
        if (max_min > 0) {
            const float iscale = 15.f / max_min;
            for (int j = 0; j < 16; ++j) b[i].scales[j] |= uint8_t(nearest_int(iscale * mins[j]) << 4);
            b[i].dmin = fp32_to_fp16(max_min / 15.f);
        } else {
            b[i].dmin = fp32_to_fp16(0.f);
        }
        float d[16], dm[16];
        for (int j = 0; j < 16; ++j) {
            d[j] = fp16_to_fp32(b[i].d) * (b[i].scales[j] & 0xF);
            dm[j] = fp16_to_fp32(b[i].dmin) * (b[i].scales[j] >> 4);
        }
        requantize_groups(x, L, 16, 3, d, dm);
        pack_2bit(L, b[i].qs);
    }
}

void quant_q3_k(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ3_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
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
        std::memset(b[i].scales, 0, 12);
        if (max_scale != 0.f) {
            const float iscale = -32.f / max_scale;
            for (int j = 0; j < 16; ++j) {
                const int l = std::clamp(nearest_int(iscale * scales[j]), -32, 31) + 32;
                if (j < 8) b[i].scales[j] = uint8_t(l & 0xF);
                else b[i].scales[j - 8] |= uint8_t((l & 0xF) << 4);
                b[i].scales[j % 4 + 8] |= uint8_t((l >> 4) << (2 * (j / 4)));
            }
            b[i].d = fp32_to_fp16(1 / iscale);
        } else {
            b[i].d = fp32_to_fp16(0.f);
        }
        for (int j = 0; j < 16; ++j) {
            const float d = fp16_to_fp32(b[i].d) * float(unpack_scale_q3_k(j, b[i].scales));
            if (d == 0.f) continue;
            for (int k = 0; k < 16; ++k)
                L[16 * j + k] = int8_t(std::clamp(nearest_int(x[16 * j + k] / d), -4, 3) + 4);
        }
        // Bit 2 of each 3-bit value goes to hmask: element k -> byte k%32, bit k/32.
        std::memset(b[i].hmask, 0, 32);
        uint8_t low[QK_K];
        for (int k = 0; k < QK_K; ++k) {
            if (L[k] > 3) b[i].hmask[k % 32] |= uint8_t(1 << (k / 32));
            low[k] = uint8_t(L[k] > 3 ? L[k] - 4 : L[k]);
        }
        pack_2bit(low, b[i].qs);
    }
}

void quant_q4_k(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ4_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        uint8_t L[QK_K];
        quant_q45_k(x, L, b[i].d, b[i].dmin, b[i].scales, 15, -1.f, 20);
        for (int j = 0; j < QK_K; j += 64)
            for (int l = 0; l < 32; ++l) b[i].qs[j / 2 + l] = uint8_t(L[j + l] | (L[j + l + 32] << 4));
    }
}

void quant_q5_k(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ5_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        uint8_t L[QK_K];
        quant_q45_k(x, L, b[i].d, b[i].dmin, b[i].scales, 31, -0.5f, 15);
        std::memset(b[i].qh, 0, 32);
        for (int j = 0; j < QK_K; j += 64) {
            const int bit = j / 32;  // 2 bits per 64-element chunk
            for (int l = 0; l < 32; ++l) {
                const int l1 = L[j + l], l2 = L[j + l + 32];
                b[i].qh[l] |= uint8_t(((l1 >> 4) << bit) | ((l2 >> 4) << (bit + 1)));
                b[i].qs[j / 2 + l] = uint8_t((l1 & 0xF) | ((l2 & 0xF) << 4));
            }
        }
    }
}

void quant_q6_k(const float* x, void* dst, int64_t n) {
    auto* b = static_cast<BlockQ6_K*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i, x += QK_K) {
        int8_t L[QK_K];
        float scales[16];
        float max_scale = 0, amax = 0;
        for (int j = 0; j < 16; ++j) {
            scales[j] = fit_scale_symmetric(16, 32, x + 16 * j, L + 16 * j);
            if (std::fabs(scales[j]) > amax) {
                amax = std::fabs(scales[j]);
                max_scale = scales[j];
            }
        }
        if (amax < 1e-15f) {
            std::memset(&b[i], 0, sizeof b[i]);
            continue;
        }
        const float iscale = -128.f / max_scale;
        b[i].d = fp32_to_fp16(1 / iscale);
        for (int j = 0; j < 16; ++j) b[i].scales[j] = int8_t(std::min(127, nearest_int(iscale * scales[j])));
        for (int j = 0; j < 16; ++j) {
            const float d = fp16_to_fp32(b[i].d) * b[i].scales[j];
            if (d == 0.f) continue;
            for (int k = 0; k < 16; ++k)
                L[16 * j + k] = int8_t(std::clamp(nearest_int(x[16 * j + k] / d), -32, 31) + 32);
        }
        for (int j = 0; j < QK_K; j += 128) {
            uint8_t* ql = b[i].ql + j / 2;
            uint8_t* qh = b[i].qh + j / 4;
            for (int l = 0; l < 32; ++l) {
                const int q1 = L[j + l], q2 = L[j + l + 32], q3 = L[j + l + 64], q4 = L[j + l + 96];
                ql[l] = uint8_t((q1 & 0xF) | ((q3 & 0xF) << 4));
                ql[l + 32] = uint8_t((q2 & 0xF) | ((q4 & 0xF) << 4));
                qh[l] = uint8_t((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
            }
        }
    }
}

void quant_tq2_0(const float* x, void* dst, int64_t n) {
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

}  // namespace lumen::kernels::ref
