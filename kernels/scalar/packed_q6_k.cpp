// Packed Q6_K (BlockQ6_Kx8): packing 8 rows' super-blocks, and the scalar twin
// of the packed kernels, which follows the reference's per-row x86 Q6_K kernel
// (kernels/x86/x86_dot_kquants.inl, dotc_q6_k) lane by lane.
#include <cmath>

#include "fp16.hpp"
#include "packed.hpp"
#include "scalar/pack_rows.hpp"
#include "scalar/packed_lanes.hpp"

namespace lumen::kernels {

namespace {

// The 6-bit value (0..63, meaning value - 32) of weight i of a Q6_K
// super-block: 128-weight half h, run c (32 weights) within it, position l.
int q6_k_value(const BlockQ6_K& b, int i) {
    const int h = i / 128, c = i % 128 / 32, l = i % 32;
    const uint8_t low = b.ql[64 * h + 32 * (c % 2) + l];
    return (c < 2 ? low & 0xF : low >> 4) | ((b.qh[32 * h + l] >> (2 * c)) & 3) << 4;
}

// Byte k of row r in chunk c of triple t = 2l + h (see BlockQ6_Kx8).
inline size_t q6_k_byte(int t, int c, int r, int k) { return size_t(96 * t + 32 * c + 4 * r + k); }

// The 6-bit value of weight w (0..31) of run j (0..7) of row r.
int packed_q6_k_value(const BlockQ6_Kx8& p, int r, int j, int w) {
    const int h = j / 4, c = j % 4, t = 2 * (w / 4) + h, k = w % 4;
    if (c < 3) return p.qs[q6_k_byte(t, c, r, k)] & 0x3F;
    int q = 0;
    for (int cc = 0; cc < 3; ++cc) q |= (p.qs[q6_k_byte(t, cc, r, k)] >> 6) << (2 * cc);
    return q;
}

}  // namespace

void pack_q6_k_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_rows_x8<BlockQ6_K, BlockQ6_Kx8, QK_K>(src, dst, rows, cols, [](BlockQ6_Kx8& p, const BlockQ6_K& blk, int r) {
        p.d[r] = blk.d;
        for (int s = 0; s < 16; ++s) p.scales[8 * s + r] = blk.scales[s];
        for (int h = 0; h < 2; ++h)
            for (int w = 0; w < 32; ++w) {
                const int t = 2 * (w / 4) + h, k = w % 4;
                const int last = q6_k_value(blk, 128 * h + 96 + w);  // run 4h + 3
                for (int c = 0; c < 3; ++c)
                    p.qs[q6_k_byte(t, c, r, k)] = uint8_t(q6_k_value(blk, 128 * h + 32 * c + w) | ((last >> (2 * c)) & 3) << 6);
            }
    });
}

namespace ref {

void gemm_q6_k_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const*,
                  int n_act, float* out, int64_t ldo) {
    gemm_lanes_x8<BlockQ6_Kx8>(cols, packed_group, acts, n_act, out, ldo,
                               [](const BlockQ6_Kx8& blk, const BlockQ8_K& y, int r, float (&acc)[8]) {
        int32_t lanes[8] = {};
        for (int j = 0; j < 8; ++j)
            for (int l = 0; l < 8; ++l) {
                int32_t sum4 = 0;
                for (int k = 0; k < 4; ++k) sum4 += (packed_q6_k_value(blk, r, j, 4 * l + k) - 32) * y.qs[32 * j + 4 * l + k];
                lanes[l] += blk.scales[8 * (2 * j + l / 4) + r] * sum4;
            }
        const float dd = y.d * fp16_to_fp32(blk.d[r]);
        for (int l = 0; l < 8; ++l) acc[l] = std::fma(dd, float(lanes[l]), acc[l]);
    });
}

}  // namespace ref
}  // namespace lumen::kernels
