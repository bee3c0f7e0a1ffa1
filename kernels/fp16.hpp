// IEEE half and bfloat16 <-> float conversions (round to nearest even), bit-exact
// with the F16C instructions, so every ISA stores the same bits.
#pragma once

#include <cstdint>
#include <cstring>

namespace lumen::kernels {

static inline uint32_t float_bits(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
static inline float bits_float(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

static inline float fp16_to_fp32(uint16_t h) {
    const uint32_t sign = uint32_t(h & 0x8000) << 16;
    const uint32_t exp = (h >> 10) & 0x1f;
    const uint32_t man = h & 0x3ff;
    if (exp == 0x1f) return bits_float(sign | 0x7f800000 | (man << 13));  // inf / NaN
    if (exp != 0) return bits_float(sign | ((exp + 112) << 23) | (man << 13));
    if (man == 0) return bits_float(sign);
    // Subnormal half: value = man * 2^-24, exact in float.
    const float v = float(man) * 5.9604644775390625e-8f;
    return sign ? -v : v;
}

static inline uint16_t fp32_to_fp16(float f) {
    const uint32_t u = float_bits(f);
    const uint16_t sign = uint16_t((u >> 16) & 0x8000);
    const uint32_t abs = u & 0x7fffffff;
    if (abs > 0x7f800000) return uint16_t(sign | 0x7e00 | ((abs >> 13) & 0x3ff));  // NaN stays NaN
    if (abs >= 0x477ff000) return uint16_t(sign | 0x7c00);  // rounds to >= 65520: infinity
    if (abs < 0x38800000) {
        // Result is subnormal (or zero): round abs * 2^24 to an integer, ties to even.
        if (abs < 0x33000000) return sign;  // below half of the smallest subnormal
        const uint32_t exp = abs >> 23;
        const uint32_t man = (abs & 0x7fffff) | 0x800000;
        const uint32_t shift = 126 - exp;  // 14..24
        uint32_t q = man >> shift;
        const uint32_t rem = man & ((1u << shift) - 1);
        const uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (q & 1))) ++q;
        return uint16_t(sign | q);
    }
    // Normal: rebias the exponent and round the mantissa from 23 to 10 bits.
    uint32_t r = abs - (112u << 23);
    r += 0xfff + ((r >> 13) & 1);
    return uint16_t(sign | (r >> 13));
}

static inline float bf16_to_fp32(uint16_t h) { return bits_float(uint32_t(h) << 16); }

static inline uint16_t fp32_to_bf16(float f) {
    const uint32_t u = float_bits(f);
    if ((u & 0x7fffffff) > 0x7f800000) return uint16_t((u >> 16) | 64);  // quiet the NaN
    return uint16_t((u + (0x7fff + ((u >> 16) & 1))) >> 16);
}

}  // namespace lumen::kernels
