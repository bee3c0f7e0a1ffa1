// ARMv8.2 dot-product kernels (sdot): Cortex-A55/A76/A78, Raspberry Pi 5,
// most phones since 2019. Compiled with +dotprod+fp16; only reached when the
// kernel reports asimddp and asimdhp.
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

namespace lumen::kernels::dotprod {

#include "arm/arm_sdot.inl"

#include "arm/arm_kernels.inl"

void fill_kernel_set(KernelSet& ks) { fill_common(ks); }

}  // namespace lumen::kernels::dotprod
