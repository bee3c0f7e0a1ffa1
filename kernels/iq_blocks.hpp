// On-disk block layouts of the i-quant types and TQ1_0 (256 elements per block),
// exactly as GGUF stores them; each is followed by a size check. The grids and
// the sign table they index are in scalar/iq_grids.hpp.
#pragma once

#include <cstdint>

#include "blocks.hpp"

namespace lumen::kernels {

// 8 groups of 32; per group 2 words: 4 grid bytes (8 values each), then 4 x 7-bit
// sign indices and a 4-bit scale (bits 28..31). x = d * (0.5 + s) / 4 * grid * sign.
struct BlockIQ2_XXS { uint16_t d; uint16_t qs[QK_K / 8]; };
// 32 words of 9-bit grid index + 7-bit sign index; a 4-bit scale per 16 values.
struct BlockIQ2_XS { uint16_t d; uint16_t qs[QK_K / 8]; uint8_t scales[QK_K / 32]; };
// 32 grid index bytes, 32 explicit sign bytes, 2 high index bits per 8 values in
// qh, a 4-bit scale per 16 values.
struct BlockIQ2_S { uint16_t d; uint8_t qs[QK_K / 4]; uint8_t qh[QK_K / 32]; uint8_t scales[QK_K / 32]; };
// 64 grid bytes (4 values each), then per group of 32 a word of 4 x 7-bit sign
// indices and a 4-bit scale. x = d * (0.5 + s) / 2 * grid * sign.
struct BlockIQ3_XXS { uint16_t d; uint8_t qs[3 * QK_K / 8]; };
// 64 grid index bytes (9th bits in qh), explicit signs, a 4-bit scale per 32
// values. x = d * (1 + 2 s) * grid * sign.
struct BlockIQ3_S {
    uint16_t d;
    uint8_t qs[QK_K / 4];
    uint8_t qh[QK_K / 32];
    uint8_t signs[QK_K / 8];
    uint8_t scales[QK_K / 64];
};
// 32 grid bytes; per group of 32 a word with 4 x 3 high index bits, a 3-bit scale
// (bits 12..14) and the delta sign (bit 15). x = d * (2 s + 1) * (grid +- 1/8).
struct BlockIQ1_S { uint16_t d; uint8_t qs[QK_K / 8]; uint16_t qh[QK_K / 32]; };
// 32 grid bytes; per 16 values 3 high index bits + a delta sign bit (a nibble of
// qh); 3-bit scales per 16 values, the F16 block scale in the top nibbles of the
// four scale words.
struct BlockIQ1_M { uint8_t qs[QK_K / 8]; uint8_t qh[QK_K / 16]; uint8_t scales[QK_K / 32]; };
// 8 groups of 32 IQ4_NL values with 6-bit scales (low 4 bits in scales_l, high 2
// in scales_h). x = d * (s - 32) * kIQ4NL[q].
struct BlockIQ4_XS { uint16_t d; uint16_t scales_h; uint8_t scales_l[QK_K / 64]; uint8_t qs[QK_K / 2]; };
// Ternary, base 3: 5 values per qs byte (240 values), 4 per qh byte (16 values).
struct BlockTQ1_0 { uint8_t qs[(QK_K - 4 * QK_K / 64) / 5]; uint8_t qh[QK_K / 64]; uint16_t d; };

static_assert(sizeof(BlockIQ2_XXS) == 66);
static_assert(sizeof(BlockIQ2_XS) == 74);
static_assert(sizeof(BlockIQ2_S) == 82);
static_assert(sizeof(BlockIQ3_XXS) == 98);
static_assert(sizeof(BlockIQ3_S) == 110);
static_assert(sizeof(BlockIQ1_S) == 50);
static_assert(sizeof(BlockIQ1_M) == 56);
static_assert(sizeof(BlockIQ4_XS) == 136);
static_assert(sizeof(BlockTQ1_0) == 54);

// The 6-bit scale of group ib (0..7) of an IQ4_XS block, before the -32 offset.
static inline int iq4_xs_scale(const BlockIQ4_XS& b, int ib) {
    return ((b.scales_l[ib / 2] >> (4 * (ib % 2))) & 0xF) | (((b.scales_h >> (2 * ib)) & 3) << 4);
}

// The F16 block scale of an IQ1_M block: the top nibbles of its four scale words.
static inline uint16_t iq1_m_scale_bits(const BlockIQ1_M& b) {
    uint16_t sc[4];
    for (int k = 0; k < 4; ++k) sc[k] = uint16_t(b.scales[2 * k] | (b.scales[2 * k + 1] << 8));
    return uint16_t((sc[0] >> 12) | ((sc[1] >> 8) & 0x00F0) | ((sc[2] >> 4) & 0x0F00) | (sc[3] & 0xF000));
}

// The 3-bit scale s of sub-group g (0..15, 16 values each) of an IQ1_M block.
static inline int iq1_m_subscale(const BlockIQ1_M& b, int g) {
    const uint16_t w = uint16_t(b.scales[2 * (g / 4)] | (b.scales[2 * (g / 4) + 1] << 8));
    return (w >> (3 * (g % 4))) & 7;
}

}  // namespace lumen::kernels
