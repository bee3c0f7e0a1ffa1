// Rounding helpers shared by the quantizers.
#pragma once

#include <cmath>
#include <cstring>

namespace lumen::kernels {

// Round to nearest, ties to even, for |x| < 2^22: adding 1.5 * 2^23 leaves the
// rounded integer in the low mantissa bits. Independent of the FPU rounding mode.
static inline int nearest_int(float x) {
    const float v = x + 12582912.f;
    int i;
    std::memcpy(&i, &v, sizeof i);
    return (i & 0x007fffff) - 0x00400000;
}

// Truncate toward zero into [lo, hi] (NaN gives lo): the reference quantizers
// truncate with a cast; clamping first keeps hostile inputs (NaN, inf) defined.
static inline int trunc_clamped(float v, int lo, int hi) {
    if (!(v >= float(lo))) return lo;
    if (v >= float(hi)) return hi;
    return int(v);
}

// Round half away from zero into [lo, hi] (NaN gives 0).
static inline int round_clamped(float v, int lo, int hi) {
    if (v != v) return 0;
    if (v <= float(lo)) return lo;
    if (v >= float(hi)) return hi;
    return int(std::round(v));
}

}  // namespace lumen::kernels
