// K-quants (Q2_K..Q6_K), their activation format Q8_K, and ternary TQ2_0:
// dequantize and dot product (via kquants_unpack.hpp).
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

// The quantizers are in kquant_quant.cpp.

}  // namespace lumen::kernels::ref
