// The arithmetic of attention over a Q8_0 KV cache (dispatch.hpp: DotsQ8_0Fn,
// WeightedSumQ8_0Fn), shared by the scalar twins and the SIMD kernels. There
// is no reference to follow here (the reference's Q8_0 V cache needs its
// flash-attention path, which `ref-logits` does not run), so the steps are
// chosen to give the same bits on every ISA and at any vector width:
//  * a score's integer block sums are exact; the float steps are
//    ref::dot_q8_0's, (isum * d_k) * d_q, added block by block from 0;
//  * a V row's weight w = round_to_16_bits((p * scale) * d_v) times an int8
//    value is exact in float, so out += w * q is the same with or without a
//    fused multiply-add (the scalar twin needs no fma, which is slow on CPUs
//    without it).
#pragma once

#include <cstdint>
#include <cstring>

namespace lumen::kernels {

// x with its significand rounded to 16 bits (the implicit one and 15 stored),
// to nearest, ties to even: the low 8 of the 23 stored bits become zero, so
// x * q for an integer |q| <= 256 has at most 24 significant bits. Pure
// integer steps (the SIMD kernels do the same on lanes); an overflow rounds to
// infinity as it should.
inline float round_to_16_bits(float x) {
    uint32_t u;
    std::memcpy(&u, &x, sizeof u);
    u = (u + 0x7Fu + ((u >> 8) & 1u)) & ~0xFFu;
    std::memcpy(&x, &u, sizeof u);
    return x;
}

}  // namespace lumen::kernels
