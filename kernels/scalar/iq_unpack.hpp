// Decoding of the i-quant and TQ1_0 blocks into integer values and integer
// scales, shared by the scalar dequantization and dot product so that the two
// read a block one way. Each decoder fills 256 grid values (sign applied) and
// per-group integer multipliers; the float formula per type is in the callers.
#pragma once

#include <cstring>

#include "iq_blocks.hpp"
#include "scalar/iq_grids.hpp"

namespace lumen::kernels::iq {

inline int8_t grid_byte(uint64_t entry, int j) { return int8_t(uint8_t(entry >> (8 * j))); }
inline float sign_of(uint8_t signs, int j) { return (signs >> j) & 1 ? -1.f : 1.f; }

// 8 grid values of grid entry `entry` with sign byte `signs` applied, as integers.
inline void signed8(uint64_t entry, uint8_t signs, int8_t* out) {
    for (int j = 0; j < 8; ++j) out[j] = int8_t((signs >> j) & 1 ? -grid_byte(entry, j) : grid_byte(entry, j));
}
inline void signed4(uint32_t entry, uint8_t signs, int shift, int8_t* out) {
    for (int j = 0; j < 4; ++j)
        out[j] = int8_t((signs >> (shift + j)) & 1 ? -grid_byte(entry, j) : grid_byte(entry, j));
}

// IQ2_XXS group ib (32 values): q[0..32) and the scale s (4 bits).
inline void unpack_iq2_xxs(const BlockIQ2_XXS& b, int ib, int8_t* q, int& s) {
    uint32_t aux[2];
    std::memcpy(aux, b.qs + 4 * ib, 8);
    const auto* idx = reinterpret_cast<const uint8_t*>(&aux[0]);
    for (int l = 0; l < 4; ++l) signed8(kIQ2XXSGrid[idx[l]], kIQSigns[(aux[1] >> (7 * l)) & 127], q + 8 * l);
    s = int(aux[1] >> 28);
}

// IQ2_XS group ib: q[0..32), scales s[0..2) (one per 16 values).
inline void unpack_iq2_xs(const BlockIQ2_XS& b, int ib, int8_t* q, int* s) {
    for (int l = 0; l < 4; ++l) {
        const uint16_t w = b.qs[4 * ib + l];
        signed8(kIQ2XSGrid[w & 511], kIQSigns[w >> 9], q + 8 * l);
    }
    s[0] = b.scales[ib] & 0xF;
    s[1] = b.scales[ib] >> 4;
}

inline void unpack_iq2_s(const BlockIQ2_S& b, int ib, int8_t* q, int* s) {
    const uint8_t* qs = b.qs + 4 * ib;
    const uint8_t* signs = b.qs + QK_K / 8 + 4 * ib;
    for (int l = 0; l < 4; ++l) signed8(kIQ2SGrid[qs[l] | ((b.qh[ib] << (8 - 2 * l)) & 0x300)], signs[l], q + 8 * l);
    s[0] = b.scales[ib] & 0xF;
    s[1] = b.scales[ib] >> 4;
}

inline void unpack_iq3_xxs(const BlockIQ3_XXS& b, int ib, int8_t* q, int& s) {
    const uint8_t* qs = b.qs + 8 * ib;
    uint32_t aux;
    std::memcpy(&aux, b.qs + QK_K / 4 + 4 * ib, 4);
    for (int l = 0; l < 4; ++l) {
        const uint8_t signs = kIQSigns[(aux >> (7 * l)) & 127];
        signed4(kIQ3XXSGrid[qs[2 * l]], signs, 0, q + 8 * l);
        signed4(kIQ3XXSGrid[qs[2 * l + 1]], signs, 4, q + 8 * l + 4);
    }
    s = int(aux >> 28);
}

// IQ3_S group ib (32 values) and its 4-bit scale.
inline void unpack_iq3_s(const BlockIQ3_S& b, int ib, int8_t* q, int& s) {
    const uint8_t* qs = b.qs + 8 * ib;
    const uint8_t* signs = b.signs + 4 * ib;
    const int qh = b.qh[ib];
    for (int l = 0; l < 4; ++l) {
        signed4(kIQ3SGrid[qs[2 * l] | ((qh << (8 - 2 * l)) & 256)], signs[l], 0, q + 8 * l);
        signed4(kIQ3SGrid[qs[2 * l + 1] | ((qh << (7 - 2 * l)) & 256)], signs[l], 4, q + 8 * l + 4);
    }
    s = (b.scales[ib / 2] >> (4 * (ib % 2))) & 0xF;
}

// IQ1_S group ib: grid values q[0..32) in {-1,0,1}, scale s (3 bits), delta sign.
inline void unpack_iq1_s(const BlockIQ1_S& b, int ib, int8_t* q, int& s, int& delta_sign) {
    const uint16_t qh = b.qh[ib];
    for (int l = 0; l < 4; ++l) {
        const uint64_t e = kIQ1SGrid[b.qs[4 * ib + l] | (((qh >> (3 * l)) & 7) << 8)];
        for (int j = 0; j < 8; ++j) q[8 * l + j] = grid_byte(e, j);
    }
    s = (qh >> 12) & 7;
    delta_sign = qh & 0x8000 ? -1 : 1;
}

// IQ1_M group ib: grid values q[0..32), delta signs per 8 values (4), scales per
// 16 values (2).
inline void unpack_iq1_m(const BlockIQ1_M& b, int ib, int8_t* q, int* delta_sign, int* s) {
    const uint8_t* qs = b.qs + 4 * ib;
    const uint8_t* qh = b.qh + 2 * ib;
    for (int l = 0; l < 4; ++l) {
        const uint64_t e = kIQ1SGrid[qs[l] | ((uint16_t(qh[l / 2]) << (8 - 4 * (l % 2))) & 0x700)];
        for (int j = 0; j < 8; ++j) q[8 * l + j] = grid_byte(e, j);
        delta_sign[l] = qh[l / 2] & (l % 2 ? 0x80 : 0x08) ? -1 : 1;
    }
    s[0] = iq1_m_subscale(b, 2 * ib);
    s[1] = iq1_m_subscale(b, 2 * ib + 1);
}

// TQ1_0: all 256 values in {-1,0,1}, in element order.
inline void unpack_tq1_0(const BlockTQ1_0& b, int8_t* q) {
    static constexpr uint8_t kPow3[5] = {1, 3, 9, 27, 81};
    auto trit = [](uint8_t byte, int n) { return int8_t(((uint16_t(uint8_t(byte * kPow3[n])) * 3) >> 8) - 1); };
    int k = 0;
    for (int n = 0; n < 5; ++n)
        for (int m = 0; m < 32; ++m) q[k++] = trit(b.qs[m], n);
    for (int n = 0; n < 5; ++n)
        for (int m = 0; m < 16; ++m) q[k++] = trit(b.qs[32 + m], n);
    for (int n = 0; n < 4; ++n)
        for (int m = 0; m < 4; ++m) q[k++] = trit(b.qh[m], n);
}

}  // namespace lumen::kernels::iq
