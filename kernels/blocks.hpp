// On-disk block layouts of the quantized types, exactly as GGUF stores them.
// Each struct is followed by a size check: these layouts are a file format.
#pragma once

#include <cstdint>

namespace lumen::kernels {

constexpr int QK = 32;    // elements per block of the 32-element types
constexpr int QK_K = 256; // elements per super-block of the K-quants

struct BlockQ4_0 { uint16_t d; uint8_t qs[QK / 2]; };                  // q in 0..15, x = d*(q-8)
struct BlockQ4_1 { uint16_t d, m; uint8_t qs[QK / 2]; };               // x = d*q + m
struct BlockQ5_0 { uint16_t d; uint8_t qh[4]; uint8_t qs[QK / 2]; };   // 5th bits in qh
struct BlockQ5_1 { uint16_t d, m; uint8_t qh[4]; uint8_t qs[QK / 2]; };
struct BlockQ8_0 { uint16_t d; int8_t qs[QK]; };
struct BlockQ8_1 { uint16_t d, s; int8_t qs[QK]; };                    // s = d * sum(qs)
struct BlockIQ4_NL { uint16_t d; uint8_t qs[QK / 2]; };                // x = d*kIQ4NL[q]

// 16 groups of 16: 2-bit q, 4-bit scale and min per group.
struct BlockQ2_K { uint8_t scales[QK_K / 16]; uint8_t qs[QK_K / 4]; uint16_t d, dmin; };
// 16 groups of 16: 3-bit q (2 low bits in qs, high bit in hmask), 6-bit scales.
struct BlockQ3_K { uint8_t hmask[QK_K / 8]; uint8_t qs[QK_K / 4]; uint8_t scales[12]; uint16_t d; };
// 8 groups of 32: 4-bit q, 6-bit scale and min packed in 12 bytes.
struct BlockQ4_K { uint16_t d, dmin; uint8_t scales[12]; uint8_t qs[QK_K / 2]; };
// 8 groups of 32: 5-bit q (5th bit in qh), 6-bit scale and min.
struct BlockQ5_K { uint16_t d, dmin; uint8_t scales[12]; uint8_t qh[QK_K / 8]; uint8_t qs[QK_K / 2]; };
// 16 groups of 16: 6-bit q (low 4 in ql, high 2 in qh), int8 scales.
struct BlockQ6_K { uint8_t ql[QK_K / 2]; uint8_t qh[QK_K / 4]; int8_t scales[QK_K / 16]; uint16_t d; };
// Activation format for K-quant dot products; bsums = sums of each 16 qs.
struct BlockQ8_K { float d; int8_t qs[QK_K]; int16_t bsums[QK_K / 16]; };
// Ternary: 2-bit q in {0,1,2} meaning {-1,0,+1}.
struct BlockTQ2_0 { uint8_t qs[QK_K / 4]; uint16_t d; };

static_assert(sizeof(BlockQ4_0) == 18);
static_assert(sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ5_0) == 22);
static_assert(sizeof(BlockQ5_1) == 24);
static_assert(sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ8_1) == 36);
static_assert(sizeof(BlockIQ4_NL) == 18);
static_assert(sizeof(BlockQ2_K) == 84);
static_assert(sizeof(BlockQ3_K) == 110);
static_assert(sizeof(BlockQ4_K) == 144);
static_assert(sizeof(BlockQ5_K) == 176);
static_assert(sizeof(BlockQ6_K) == 210);
static_assert(sizeof(BlockQ8_K) == 292);
static_assert(sizeof(BlockTQ2_0) == 66);

// The 16 non-linear levels of IQ4_NL.
inline constexpr int8_t kIQ4NL[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

// The 6-bit scale and min of group j (0..7) of a Q4_K / Q5_K block.
static inline void unpack_scale_min_k4(int j, const uint8_t* s, uint8_t& scale, uint8_t& min) {
    if (j < 4) {
        scale = s[j] & 63;
        min = s[j + 4] & 63;
    } else {
        scale = uint8_t((s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4));
        min = uint8_t((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
}

// The signed 6-bit scale of group j (0..15) of a Q3_K block.
static inline int unpack_scale_q3_k(int j, const uint8_t* s) {
    const int low = j < 8 ? (s[j] & 0xF) : (s[j - 8] >> 4);
    const int high = (s[8 + j % 4] >> (2 * (j / 4))) & 3;
    return (low | (high << 4)) - 32;
}

}  // namespace lumen::kernels
