// Packing Q4_0 rows into the 8-row interleaved layout, and the scalar twin of
// the packed matrix kernels: per row, per block, the exact integer sum, then
// acc = fma(float(isum), d_w * d_a, acc) — the order the SIMD kernels use.
#include <cmath>
#include <cstring>

#include "fp16.hpp"
#include "packed.hpp"

namespace lumen::kernels {

void pack_q4_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    const auto* in = static_cast<const BlockQ4_0*>(src);
    auto* out = static_cast<BlockQ4_0x8*>(dst);
    const int64_t nb = cols / QK;
    for (int64_t g = 0; g < rows / 8; ++g)
        for (int64_t b = 0; b < nb; ++b) {
            BlockQ4_0x8& p = out[g * nb + b];
            for (int r = 0; r < 8; ++r) {
                const BlockQ4_0& blk = in[(g * 8 + r) * nb + b];
                p.d[r] = blk.d;
                for (int k = 0; k < 4; ++k) std::memcpy(&p.qs[32 * k + 4 * r], &blk.qs[4 * k], 4);
            }
        }
}

void pack_q8_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    const auto* in = static_cast<const BlockQ8_0*>(src);
    auto* out = static_cast<BlockQ8_0x8*>(dst);
    const int64_t nb = cols / QK;
    for (int64_t g = 0; g < rows / 8; ++g)
        for (int64_t b = 0; b < nb; ++b) {
            BlockQ8_0x8& p = out[g * nb + b];
            for (int r = 0; r < 8; ++r) {
                const BlockQ8_0& blk = in[(g * 8 + r) * nb + b];
                p.d[r] = blk.d;
                for (int k = 0; k < 8; ++k) std::memcpy(&p.qs[32 * k + 4 * r], &blk.qs[4 * k], 4);
            }
        }
}

namespace ref {

void gemm_q4_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const int32_t* const* act_sums,
                  int n_act, float* out) {
    const auto* w = static_cast<const BlockQ4_0x8*>(packed_group);
    const int64_t nb = cols / QK;
    for (int c = 0; c < n_act; ++c) {
        const auto* y = static_cast<const BlockQ8_0*>(acts[c]);
        for (int r = 0; r < 8; ++r) {
            float acc = 0.f;
            for (int64_t b = 0; b < nb; ++b) {
                int32_t isum = 0;
                for (int k = 0; k < 4; ++k)
                    for (int e = 0; e < 4; ++e) {
                        const uint8_t byte = w[b].qs[32 * k + 4 * r + e];
                        isum += int32_t(byte & 0xF) * y[b].qs[4 * k + e] + int32_t(byte >> 4) * y[b].qs[16 + 4 * k + e];
                    }
                isum -= 8 * act_sums[c][b];
                const float scale = fp16_to_fp32(w[b].d[r]) * fp16_to_fp32(y[b].d);
                acc = std::fma(float(isum), scale, acc);
            }
            out[c * 8 + r] = acc;
        }
    }
}

void gemm_q8_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const int32_t* const*, int n_act,
                  float* out) {
    const auto* w = static_cast<const BlockQ8_0x8*>(packed_group);
    const int64_t nb = cols / QK;
    for (int c = 0; c < n_act; ++c) {
        const auto* y = static_cast<const BlockQ8_0*>(acts[c]);
        for (int r = 0; r < 8; ++r) {
            float acc = 0.f;
            for (int64_t b = 0; b < nb; ++b) {
                int32_t isum = 0;
                for (int k = 0; k < 8; ++k)
                    for (int e = 0; e < 4; ++e) isum += int32_t(w[b].qs[32 * k + 4 * r + e]) * y[b].qs[4 * k + e];
                acc = std::fma(float(isum), fp16_to_fp32(w[b].d[r]) * fp16_to_fp32(y[b].d), acc);
            }
            out[c * 8 + r] = acc;
        }
    }
}

}  // namespace ref
}  // namespace lumen::kernels
