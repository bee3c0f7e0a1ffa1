// Packed TQ2_0 (BlockTQ2_0x8): packing 8 rows' blocks, and the scalar twin of
// the packed kernels, which follows the per-row x86 TQ2_0 kernel
// (kernels/x86/x86_dot_kquants.inl, dotc_tq2_0) lane by lane.
#include <cmath>
#include <cstring>

#include "fp16.hpp"
#include "packed.hpp"
#include "scalar/pack_rows.hpp"
#include "scalar/packed_lanes.hpp"

namespace lumen::kernels {

void pack_tq2_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    pack_rows_x8<BlockTQ2_0, BlockTQ2_0x8, QK_K>(src, dst, rows, cols, [](BlockTQ2_0x8& p, const BlockTQ2_0& blk, int r) {
        p.d[r] = blk.d;
        for (int h = 0; h < 2; ++h)
            for (int l = 0; l < 8; ++l) std::memcpy(&p.qs[32 * (8 * h + l) + 4 * r], &blk.qs[32 * h + 4 * l], 4);
    });
}

namespace ref {

void gemm_tq2_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const*,
                   int n_act, float* out, int64_t ldo) {
    gemm_lanes_x8<BlockTQ2_0x8>(cols, packed_group, acts, n_act, out, ldo,
                                [](const BlockTQ2_0x8& blk, const BlockQ8_K& y, int r, float (&acc)[8]) {
        for (int l = 0; l < 8; ++l) {
            // 4 x sum (q - 1) a: the stored field q is 0..2 for -1..+1.
            int32_t lane4 = 0;
            for (int h = 0; h < 2; ++h)
                for (int run = 0; run < 4; ++run)
                    for (int j = 0; j < 4; ++j) {
                        const int q = blk.qs[32 * (8 * h + l) + 4 * r + j] >> (2 * run) & 3;
                        lane4 += 4 * q * y.qs[128 * h + 32 * run + 4 * l + j];
                    }
            lane4 -= 4 * (y.bsums[2 * l] + y.bsums[2 * l + 1]);
            acc[l] = std::fma(y.d * fp16_to_fp32(blk.d[r]) * 0.25f, float(lane4), acc[l]);
        }
    });
}

}  // namespace ref
}  // namespace lumen::kernels
