// Packed TQ2_0 (BlockTQ2_0x8; packed by pack_x8 in packed.cpp): the scalar
// twin of the packed kernels, which follows the reference's per-row x86 TQ2_0
// kernel (kernels/x86/x86_dot_kquants.inl, dotc_tq2_0) lane by lane.
#include <cmath>

#include "fp16.hpp"
#include "packed.hpp"
#include "scalar/packed_lanes.hpp"

namespace lumen::kernels::ref {

void gemm_tq2_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const*,
                   int n_act, float* out, int64_t ldo) {
    gemm_lanes_x8<BlockTQ2_0x8>(cols, packed_group, acts, n_act, out, ldo,
                                [](const BlockTQ2_0x8& blk, const BlockQ8_K& y, int r, float (&acc)[8]) {
        const float dd = y.d * fp16_to_fp32(blk.d[r]);
        for (int l = 0; l < 8; ++l) {
            // The -1 of every weight: the activations' sums of the per-row
            // kernel's lane l (bsums 2l and 2l + 1), not of this lane's weights.
            int32_t lane = -(y.bsums[2 * l] + y.bsums[2 * l + 1]);
            for (int h = 0; h < 2; ++h)
                for (int run = 0; run < 4; ++run)
                    for (int j = 0; j < 4; ++j) {
                        const int q = blk.qs[32 * (8 * h + l) + 4 * r + j] >> (2 * run) & 3;
                        lane += q * y.qs[128 * h + 32 * run + 4 * l + j];
                    }
            acc[l] = std::fma(dd, float(lane), acc[l]);
        }
    });
}

}  // namespace lumen::kernels::ref
