// Packing Q4_0 rows into the 8-row interleaved layout, and the scalar twin of
// the packed matrix kernels: per row, per block, the exact integer sum, then
// acc = fma(float(isum), d_w * d_a, acc) — the order the SIMD kernels use.
#include <cmath>
#include <cstring>

#include "fp16.hpp"
#include "packed.hpp"

namespace lumen::kernels {

namespace {

// Interleaves 8 rows' blocks: chunk k of a packed block holds 4 bytes of each
// row's quants (bytes 4k..4k+3), row after row.
template <class Block, class Packed, int Chunks>
void pack_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    const auto* in = static_cast<const Block*>(src);
    auto* out = static_cast<Packed*>(dst);
    const int64_t nb = cols / QK;
    for (int64_t g = 0; g < rows / 8; ++g)
        for (int64_t b = 0; b < nb; ++b) {
            Packed& p = out[g * nb + b];
            for (int r = 0; r < 8; ++r) {
                const Block& blk = in[(g * 8 + r) * nb + b];
                p.d[r] = blk.d;
                for (int k = 0; k < Chunks; ++k) std::memcpy(&p.qs[32 * k + 4 * r], &blk.qs[4 * k], 4);
            }
        }
}

}  // namespace

void pack_q4_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_x8<BlockQ4_0, BlockQ4_0x8, 4>(src, dst, rows, cols);
}
void pack_q8_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_x8<BlockQ8_0, BlockQ8_0x8, 8>(src, dst, rows, cols);
}
void pack_q5_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_x8<BlockQ5_0, BlockQ5_0x8, 4>(src, dst, rows, cols);
    // pack_x8 moved d and qs; the fifth bits go row by row.
    const auto* in = static_cast<const BlockQ5_0*>(src);
    auto* out = static_cast<BlockQ5_0x8*>(dst);
    const int64_t nb = cols / QK;
    for (int64_t g = 0; g < rows / 8; ++g)
        for (int64_t b = 0; b < nb; ++b)
            for (int r = 0; r < 8; ++r) std::memcpy(&out[g * nb + b].qh[r], in[(g * 8 + r) * nb + b].qh, 4);
}

void pack_iq4_nl_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_x8<BlockIQ4_NL, BlockQ4_0x8, 4>(src, dst, rows, cols);
}

PackFn packer(TensorType type) {
    switch (type) {
        case TensorType::Q4_0: return pack_q4_0_x8;
        case TensorType::IQ4_NL: return pack_iq4_nl_x8;
        case TensorType::Q5_0: return pack_q5_0_x8;
        case TensorType::Q8_0: return pack_q8_0_x8;
        default: return nullptr;
    }
}

namespace ref {

namespace {

// The shared loop of the packed kernels: per activation, per row, per block the
// exact integer sum (`block_sum`), then acc = fma(isum, d_w * d_a, acc).
template <class Packed, class BlockSum>
void gemm_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
             int n_act, float* out, int64_t ldo, BlockSum block_sum) {
    const auto* w = static_cast<const Packed*>(packed_group);
    const int64_t nb = cols / QK;
    for (int c = 0; c < n_act; ++c) {
        const auto* y = static_cast<const BlockQ8_0*>(acts[c]);
        for (int r = 0; r < 8; ++r) {
            float acc = 0.f;
            for (int64_t b = 0; b < nb; ++b) {
                const int32_t isum = block_sum(w[b], y[b], r, info[c][b].sum);
                acc = std::fma(float(isum), fp16_to_fp32(w[b].d[r]) * info[c][b].d, acc);
            }
            out[c * ldo + r] = acc;
        }
    }
}

}  // namespace

void gemm_q4_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo) {
    gemm_x8<BlockQ4_0x8>(cols, packed_group, acts, info, n_act, out, ldo,
                         [](const BlockQ4_0x8& w, const BlockQ8_0& y, int r, int32_t act_sum) {
                             int32_t isum = 0;
                             for (int k = 0; k < 4; ++k)
                                 for (int e = 0; e < 4; ++e) {
                                     const uint8_t byte = w.qs[32 * k + 4 * r + e];
                                     isum += int32_t(byte & 0xF) * y.qs[4 * k + e] +
                                             int32_t(byte >> 4) * y.qs[16 + 4 * k + e];
                                 }
                             return isum - 8 * act_sum;  // weights are stored as q = w + 8
                         });
}

void gemm_q5_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo) {
    gemm_x8<BlockQ5_0x8>(cols, packed_group, acts, info, n_act, out, ldo,
                         [](const BlockQ5_0x8& w, const BlockQ8_0& y, int r, int32_t act_sum) {
                             int32_t isum = 0;
                             for (int k = 0; k < 4; ++k)
                                 for (int e = 0; e < 4; ++e) {
                                     const uint8_t byte = w.qs[32 * k + 4 * r + e];
                                     const int lo = 4 * k + e, hi = 16 + 4 * k + e;
                                     const int q_lo = (byte & 0xF) | int((w.qh[r] >> lo) & 1) << 4;
                                     const int q_hi = (byte >> 4) | int((w.qh[r] >> hi) & 1) << 4;
                                     isum += q_lo * y.qs[lo] + q_hi * y.qs[hi];
                                 }
                             return isum - 16 * act_sum;  // stored as q = w + 16
                         });
}

void gemm_iq4_nl_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                    int n_act, float* out, int64_t ldo) {
    gemm_x8<BlockQ4_0x8>(cols, packed_group, acts, info, n_act, out, ldo,
                         [](const BlockQ4_0x8& w, const BlockQ8_0& y, int r, int32_t) {
                             int32_t isum = 0;
                             for (int k = 0; k < 4; ++k)
                                 for (int e = 0; e < 4; ++e) {
                                     const uint8_t byte = w.qs[32 * k + 4 * r + e];
                                     isum += int32_t(kIQ4NL[byte & 0xF]) * y.qs[4 * k + e] +
                                             int32_t(kIQ4NL[byte >> 4]) * y.qs[16 + 4 * k + e];
                                 }
                             return isum;
                         });
}

void gemm_q8_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo) {
    gemm_x8<BlockQ8_0x8>(cols, packed_group, acts, info, n_act, out, ldo,
                         [](const BlockQ8_0x8& w, const BlockQ8_0& y, int r, int32_t) {
                             int32_t isum = 0;
                             for (int k = 0; k < 8; ++k)
                                 for (int e = 0; e < 4; ++e) isum += int32_t(w.qs[32 * k + 4 * r + e]) * y.qs[4 * k + e];
                             return isum;
                         });
}

}  // namespace ref
}  // namespace lumen::kernels
