// Unpacking of K-quant and TQ2_0 super-blocks into plain integers: q[256] plus
// per-group scale (and min). The scalar dequantize and dot kernels both read
// blocks through these, so the bit layout is written down exactly once.
#pragma once

#include "blocks.hpp"

namespace lumen::kernels {

// Groups of 16 (Q2_K, Q3_K, Q6_K) or 32 (Q4_K, Q5_K) elements share a scale.
struct UnpackedK {
    int8_t q[QK_K];
    int scale[16];
    int min[16];  // zero for the symmetric types
    int group_size;
};

// Q2_K: element k is bits 2*(k%128/32) of qs[k/128*32 + k%32]; group k/16.
inline void unpack(const BlockQ2_K& b, UnpackedK& u) {
    u.group_size = 16;
    for (int k = 0; k < QK_K; ++k) u.q[k] = int8_t((b.qs[k / 128 * 32 + k % 32] >> (2 * (k % 128 / 32))) & 3);
    for (int g = 0; g < 16; ++g) {
        u.scale[g] = b.scales[g] & 0xF;
        u.min[g] = b.scales[g] >> 4;
    }
}

// Q3_K: 2 low bits as Q2_K; the high bit k/32 of hmask[k%32] set means "no -4".
inline void unpack(const BlockQ3_K& b, UnpackedK& u) {
    u.group_size = 16;
    for (int k = 0; k < QK_K; ++k) {
        const int low = (b.qs[k / 128 * 32 + k % 32] >> (2 * (k % 128 / 32))) & 3;
        const bool high = (b.hmask[k % 32] >> (k / 32)) & 1;
        u.q[k] = int8_t(low - (high ? 0 : 4));
    }
    for (int g = 0; g < 16; ++g) {
        u.scale[g] = unpack_scale_q3_k(g, b.scales);
        u.min[g] = 0;
    }
}

// Q4_K: 64-element chunks; the first 32 in low nibbles of 32 bytes, next 32 high.
inline void unpack(const BlockQ4_K& b, UnpackedK& u) {
    u.group_size = 32;
    for (int k = 0; k < QK_K; ++k) {
        const int r = k % 64;
        const uint8_t byte = b.qs[k / 64 * 32 + r % 32];
        u.q[k] = int8_t(r < 32 ? (byte & 0xF) : (byte >> 4));
    }
    for (int g = 0; g < 8; ++g) {
        uint8_t sc, m;
        unpack_scale_min_k4(g, b.scales, sc, m);
        u.scale[g] = sc;
        u.min[g] = m;
    }
}

// Q5_K: as Q4_K, plus a 5th bit: bit 2*(k/64) + (k%64 >= 32) of qh[k%32].
inline void unpack(const BlockQ5_K& b, UnpackedK& u) {
    u.group_size = 32;
    for (int k = 0; k < QK_K; ++k) {
        const int r = k % 64;
        const uint8_t byte = b.qs[k / 64 * 32 + r % 32];
        const int low = r < 32 ? (byte & 0xF) : (byte >> 4);
        const int high = (b.qh[k % 32] >> (2 * (k / 64) + (r >= 32))) & 1;
        u.q[k] = int8_t(low | (high << 4));
    }
    for (int g = 0; g < 8; ++g) {
        uint8_t sc, m;
        unpack_scale_min_k4(g, b.scales, sc, m);
        u.scale[g] = sc;
        u.min[g] = m;
    }
}

// Q6_K: 128-element chunks of four 32-runs j: low 4 bits from ql (runs 0,1 low
// nibbles of two 32-byte halves, runs 2,3 high nibbles), 2 high bits from qh.
inline void unpack(const BlockQ6_K& b, UnpackedK& u) {
    u.group_size = 16;
    for (int k = 0; k < QK_K; ++k) {
        const int n = k / 128, j = k % 128 / 32, l = k % 32;
        const uint8_t lbyte = b.ql[n * 64 + (j & 1) * 32 + l];
        const int low = j < 2 ? (lbyte & 0xF) : (lbyte >> 4);
        const int high = (b.qh[n * 32 + l] >> (2 * j)) & 3;
        u.q[k] = int8_t((low | (high << 4)) - 32);
    }
    for (int g = 0; g < 16; ++g) {
        u.scale[g] = b.scales[g];
        u.min[g] = 0;
    }
}

// TQ2_0: element (k/128)*128 + n*32 + m is bits 2n of qs[(k/128)*32 + m], minus 1.
inline void unpack(const BlockTQ2_0& b, UnpackedK& u) {
    u.group_size = QK_K;
    for (int k = 0; k < QK_K; ++k)
        u.q[k] = int8_t(((b.qs[k / 128 * 32 + k % 32] >> (2 * (k % 128 / 32))) & 3) - 1);
    u.scale[0] = 1;
    u.min[0] = 0;
}

}  // namespace lumen::kernels
