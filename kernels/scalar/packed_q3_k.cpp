// Packed Q3_K (BlockQ3_Kx8): packing 8 rows' super-blocks, and the scalar twin
// of the packed kernels, which follows the per-row x86 Q3_K kernel
// (kernels/x86/x86_dot_kquants.inl, dotc_q3_k) lane by lane.
#include <cmath>

#include "fp16.hpp"
#include "packed.hpp"
#include "scalar/pack_rows.hpp"
#include "scalar/packed_lanes.hpp"

namespace lumen::kernels {

namespace {

// The 3-bit value (0..7, meaning value - 4) of weight i of a Q3_K super-block:
// 2 bits of qs (half i / 128, field (i % 128) / 32) and bit i / 32 of hmask.
int q3_k_value(const BlockQ3_K& b, int i) {
    const int low = (b.qs[32 * (i / 128) + i % 32] >> (2 * (i % 128 / 32))) & 3;
    const int high = (b.hmask[i % 32] >> (i / 32)) & 1;
    return low | high << 2;
}

// Byte k of row r in chunk c of triple l (see BlockQ3_Kx8).
inline size_t q3_k_byte(int l, int c, int r, int k) { return size_t(96 * l + 32 * c + 4 * r + k); }

// The 3-bit value of weight 4l + k of run j (0..7) of row r.
int packed_q3_k_value(const BlockQ3_Kx8& p, int r, int j, int l, int k) {
    const int b0 = p.qs[q3_k_byte(l, 0, r, k)], b1 = p.qs[q3_k_byte(l, 1, r, k)], b2 = p.qs[q3_k_byte(l, 2, r, k)];
    const int chunk[3] = {b0, b1, b2};
    if (j < 6) return (chunk[j / 2] >> (3 * (j % 2))) & 7;
    if (j == 6) return (b0 >> 6) | ((b1 >> 6) & 1) << 2;
    return (b1 >> 7) | (b2 >> 6) << 1;
}

}  // namespace

void pack_q3_k_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_rows_x8<BlockQ3_K, BlockQ3_Kx8, QK_K>(src, dst, rows, cols, [](BlockQ3_Kx8& p, const BlockQ3_K& blk, int r) {
        p.d[r] = blk.d;
        for (int s = 0; s < 16; ++s) p.scales[16 * (s / 2) + 2 * r + s % 2] = int8_t(unpack_scale_q3_k(s, blk.scales));
        for (int l = 0; l < 8; ++l)
            for (int k = 0; k < 4; ++k) {
                int q[8];
                for (int j = 0; j < 8; ++j) q[j] = q3_k_value(blk, 32 * j + 4 * l + k);
                p.qs[q3_k_byte(l, 0, r, k)] = uint8_t(q[0] | q[1] << 3 | (q[6] & 3) << 6);
                p.qs[q3_k_byte(l, 1, r, k)] = uint8_t(q[2] | q[3] << 3 | (q[6] >> 2) << 6 | (q[7] & 1) << 7);
                p.qs[q3_k_byte(l, 2, r, k)] = uint8_t(q[4] | q[5] << 3 | (q[7] >> 1) << 6);
            }
    });
}

namespace ref {

void gemm_q3_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const*,
                  int n_act, float* out, int64_t ldo) {
    gemm_lanes_x8<BlockQ3_Kx8>(cols, packed_group, acts, n_act, out, ldo,
                               [](const BlockQ3_Kx8& blk, const BlockQ8_K& y, int r, float (&acc)[8]) {
        const auto scale = [&](int g) { return int32_t(blk.scales[16 * (g / 2) + 2 * r + g % 2]); };
        int32_t lanes[8] = {};
        for (int l = 0; l < 8; ++l) {
            for (int j = 0; j < 8; ++j) {
                int32_t sum4 = 0;
                for (int k = 0; k < 4; ++k) sum4 += packed_q3_k_value(blk, r, j, l, k) * y.qs[32 * j + 4 * l + k];
                lanes[l] += 16 * scale(2 * j + l / 4) * sum4;
            }
            lanes[l] -= 64 * (scale(2 * l) * y.bsums[2 * l] + scale(2 * l + 1) * y.bsums[2 * l + 1]);
        }
        const float dd = y.d * (fp16_to_fp32(blk.d[r]) * (1.f / 16));
        for (int l = 0; l < 8; ++l) acc[l] = std::fma(dd, float(lanes[l]), acc[l]);
    });
}

}  // namespace ref
}  // namespace lumen::kernels
