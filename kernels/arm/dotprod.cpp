// ARMv8.2 dot-product kernels (sdot): Cortex-A55/A76/A78, Raspberry Pi 5,
// most phones since 2019. Compiled with +dotprod+fp16; only reached when the
// kernel reports asimddp and asimdhp.
#include <arm_neon.h>

#include <cstring>

#include "blocks.hpp"
#include "dispatch.hpp"
#include "fp16.hpp"
#include "packed.hpp"

namespace lumen::kernels::dotprod {

namespace {

// acc lane i += sum of a[4i + j] * b[4i + j] for j < 4: one sdot.
inline int32x4_t dot_s8(int32x4_t acc, int8x16_t a, int8x16_t b) { return vdotq_s32(acc, a, b); }

// As dot_s8 with b = 4-byte group `lane` of `b16` in every lane: sdot by element.
template <int lane>
inline int32x4_t dot_s8_lane(int32x4_t acc, int8x16_t a, int8x16_t b16) {
    return vdotq_laneq_s32(acc, a, b16, lane);
}

}  // namespace

#include "arm/arm_kernels.inl"

void fill_kernel_set(KernelSet& ks) { fill_common(ks); }

}  // namespace lumen::kernels::dotprod
