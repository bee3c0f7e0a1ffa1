// The 32-element block quantizers Q4_0, Q4_1, Q5_0 and Q5_1 with importance
// weights (the reference's weighted variants; without weights the traits
// table's quantizers are used, see legacy_quants.cpp). Per block: weights
// qw * sqrt(sigma^2 + x^2), sigma^2 the row's mean square; symmetric types fit
// with the symmetric search, offset types with the scale-and-minimum search.
#include <cmath>
#include <cstring>

#include "blocks.hpp"
#include "fp16.hpp"
#include "scalar/file_quantizers.hpp"
#include "scalar/kquant_search.hpp"
#include "scalar/reference.hpp"

namespace lumen::kernels {

namespace {

float row_sigma2(const float* x, int64_t n) {
    float s = 0;
    for (int64_t j = 0; j < n; ++j) s += x[j] * x[j];
    return s / float(n);
}

void block_weights(const float* x, const float* qw, float sigma2, float* w) {
    for (int j = 0; j < QK; ++j) w[j] = qw[j] * std::sqrt(sigma2 + x[j] * x[j]);
}

// Nibbles of 32 levels: j | j+16 << 4; the 5th bits (when wanted) into qh.
template <class L>
void pack_levels(const L* levels, uint8_t* qs, uint8_t* qh) {
    uint32_t h = 0;
    for (int j = 0; j < QK / 2; ++j) {
        const uint32_t lo = uint32_t(levels[j]), hi = uint32_t(levels[j + 16]);
        qs[j] = uint8_t((lo & 0xF) | ((hi & 0xF) << 4));
        h |= ((lo >> 4) & 1) << j;
        h |= ((hi >> 4) & 1) << (j + 16);
    }
    if (qh) std::memcpy(qh, &h, 4);
}

// Symmetric block (Q4_0: nmax 8, Q5_0: nmax 16): levels 0..2 nmax-1 around nmax.
template <class Block>
void symmetric_rows(const float* x, void* dst, int64_t n, const float* qw, int nmax, void (*plain)(const float*, void*, int64_t)) {
    if (!qw) return plain(x, dst, n);
    auto* b = static_cast<Block*>(dst);
    const float sigma2 = row_sigma2(x, n);
    float w[QK];
    int8_t L[QK];
    for (int64_t i = 0; i < n / QK; ++i) {
        block_weights(x + i * QK, qw + i * QK, sigma2, w);
        b[i].d = fp32_to_fp16(fit_scale_symmetric(QK, nmax, x + i * QK, L, w));
        if constexpr (sizeof(Block) == sizeof(BlockQ5_0)) pack_levels(L, b[i].qs, b[i].qh);
        else pack_levels(L, b[i].qs, nullptr);
    }
}

// Scale-and-minimum block (Q4_1: nmax 15, Q5_1: nmax 31).
template <class Block>
void offset_rows(const float* x, void* dst, int64_t n, const float* qw, int nmax, void (*plain)(const float*, void*, int64_t)) {
    if (!qw) return plain(x, dst, n);
    auto* b = static_cast<Block*>(dst);
    const float sigma2 = row_sigma2(x, n);
    float w[QK];
    uint8_t L[QK], Laux[QK];
    for (int64_t i = 0; i < n / QK; ++i) {
        block_weights(x + i * QK, qw + i * QK, sigma2, w);
        float min;
        const float d = fit_scale_min(QK, nmax, x + i * QK, w, L, &min, Laux, -0.9f, 0.05f, 36, false);
        b[i].d = fp32_to_fp16(d);
        b[i].m = fp32_to_fp16(-min);
        if constexpr (sizeof(Block) == sizeof(BlockQ5_1)) pack_levels(L, b[i].qs, b[i].qh);
        else pack_levels(L, b[i].qs, nullptr);
    }
}

}  // namespace

void quantize_q4_0_rows(const float* x, void* dst, int64_t n, const float* qw) {
    symmetric_rows<BlockQ4_0>(x, dst, n, qw, 8, ref::quant_q4_0);
}
void quantize_q5_0_rows(const float* x, void* dst, int64_t n, const float* qw) {
    symmetric_rows<BlockQ5_0>(x, dst, n, qw, 16, ref::quant_q5_0);
}
void quantize_q4_1_rows(const float* x, void* dst, int64_t n, const float* qw) {
    offset_rows<BlockQ4_1>(x, dst, n, qw, 15, ref::quant_q4_1);
}
void quantize_q5_1_rows(const float* x, void* dst, int64_t n, const float* qw) {
    offset_rows<BlockQ5_1>(x, dst, n, qw, 31, ref::quant_q5_1);
}

}  // namespace lumen::kernels
