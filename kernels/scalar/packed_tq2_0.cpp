// Packed TQ2_0 (BlockTQ2_0x8): packing 8 rows' super-blocks, and the scalar
// twin of the packed kernels, which follows the reference's per-row x86 TQ2_0
// kernel (kernels/x86/x86_dot_kquants.inl, dotc_tq2_0) lane by lane.
#include <cmath>
#include <cstring>

#include "elementwise_math.hpp"
#include "fp16.hpp"
#include "packed.hpp"

namespace lumen::kernels {

void pack_tq2_0_x8(const void* src, void* dst, int64_t rows, int64_t cols) {
    const auto* in = static_cast<const BlockTQ2_0*>(src);
    auto* out = static_cast<BlockTQ2_0x8*>(dst);
    const int64_t nb = cols / QK_K;
    for (int64_t i = 0; i < rows / 8 * nb; ++i)  // packed block i: rows 8(i / nb).., super-block i % nb
        for (int r = 0; r < 8; ++r) {
            const BlockTQ2_0& blk = in[(i / nb * 8 + r) * nb + i % nb];
            out[i].d[r] = blk.d;
            for (int h = 0; h < 2; ++h)
                for (int l = 0; l < 8; ++l) std::memcpy(&out[i].qs[32 * (8 * h + l) + 4 * r], &blk.qs[32 * h + 4 * l], 4);
        }
}

namespace ref {

void gemm_tq2_0_x8(int64_t cols, const void* packed_group, const void* const* acts, const ActBlockInfo* const*,
                   int n_act, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockTQ2_0x8*>(packed_group);
    const int64_t nb = cols / QK_K;
    for (int c = 0; c < n_act; ++c) {
        const auto* y = static_cast<const BlockQ8_K*>(acts[c]);
        for (int r = 0; r < 8; ++r) {
            float acc[8] = {};
            for (int64_t b = 0; b < nb; ++b) {
                const BlockTQ2_0x8& blk = w[b];
                const float dd = y[b].d * fp16_to_fp32(blk.d[r]);
                for (int l = 0; l < 8; ++l) {
                    // The -1 of every weight: the activations' sums of the per-row
                    // kernel's lane l (bsums 2l and 2l + 1), not of this lane's weights.
                    int32_t lane = -(y[b].bsums[2 * l] + y[b].bsums[2 * l + 1]);
                    for (int h = 0; h < 2; ++h)
                        for (int run = 0; run < 4; ++run)
                            for (int j = 0; j < 4; ++j) {
                                const int q = blk.qs[32 * (8 * h + l) + 4 * r + j] >> (2 * run) & 3;
                                lane += q * y[b].qs[128 * h + 32 * run + 4 * l + j];
                            }
                    acc[l] = std::fma(dd, float(lane), acc[l]);
                }
            }
            out[c * ldo + r] = sum8_halving(acc);  // the reference's horizontal sum
        }
    }
}

}  // namespace ref
}  // namespace lumen::kernels
