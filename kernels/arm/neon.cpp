// ARMv8 baseline (Advanced SIMD) kernels: every AArch64 CPU runs them
// (Cortex-A53/A72: Raspberry Pi 3/4, low-cost phones). No sdot: four signed
// byte products are summed through widening multiplies and pairwise adds.
#include <arm_neon.h>

#include <algorithm>
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "blocks.hpp"
#include "dispatch.hpp"
#include "elementwise_math.hpp"
#include "fp16.hpp"
#include "iq_blocks.hpp"
#include "packed.hpp"
#include "q8_cache_math.hpp"
#include "scalar/iq_grids.hpp"
#include "scalar/reference.hpp"

namespace lumen::kernels::neon {

namespace {

// acc lane i += sum of a[4i + j] * b[4i + j] for j < 4 — the contract of sdot.
// The int16 pair sums cannot overflow: activations stay within [-127, 127]
// (their quantizers scale by 127 / amax), so |a*b + c*d| <= 2 * 128 * 127.
inline int32x4_t dot_s8(int32x4_t acc, int8x16_t a, int8x16_t b) {
    const int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(b));
    const int16x8_t hi = vmull_high_s8(a, b);
    return vpadalq_s16(acc, vpaddq_s16(lo, hi));
}

// As dot_s8 with b = 4-byte group `lane` of `b16` repeated in every lane.
template <int lane>
inline int32x4_t dot_s8_lane(int32x4_t acc, int8x16_t a, int8x16_t b16) {
    return dot_s8(acc, a, vreinterpretq_s8_s32(vdupq_laneq_s32(vreinterpretq_s32_s8(b16), lane)));
}

}  // namespace

#include "arm/arm_kernels.inl"

void fill_kernel_set(KernelSet& ks) { fill_common(ks); }

}  // namespace lumen::kernels::neon
