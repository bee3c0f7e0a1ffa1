// Packed (8-row interleaved) matrix kernels (part of the ARM kernel body).
// A packed block (packed.hpp) holds, per 4-weight part p (weights 4p..4p+3),
// 16 bytes for rows 0-3 and 16 for rows 4-7: one sdot by element with the
// part's 4 activation bytes gives those 4 rows' partial sums. Per block: exact
// int32 sums per row (minus offset * sum(a) for the types stored with an
// offset), then acc = fma(isum, d_w * d_a, acc): the order of the scalar twins
// (ref::gemm_*_x8), so the results are the same bits.

struct DecodedX8 {
    int8x16_t w[8][2];  // part p, rows 0-3 / 4-7
    float32x4_t d[2];   // the rows' scales
};

// Rows 0-3 / 4-7 of part p of a 4-bit packed block: chunk p % 4, low nibbles
// for p < 4 (weights 4p..), high nibbles for p >= 4 (weights 16 + 4(p - 4)..).
inline void decode_nibbles_x8(const uint8_t* qs, DecodedX8& u) {
    for (int k = 0; k < 4; ++k)
        for (int h = 0; h < 2; ++h) {
            const uint8x16_t q = load16(qs + 32 * k + 16 * h);
            u.w[k][h] = low_nibbles(q);
            u.w[k + 4][h] = high_nibbles(q);
        }
}

inline void decode_scales_x8(const uint16_t* d, DecodedX8& u) {
    u.d[0] = half4(d);
    u.d[1] = half4(d + 4);
}

// Sum over the 8 parts of the rows' weights times the part's activation bytes
// (a0 = activations 0..15, a1 = 16..31), in two independent chains.
inline int32x4_t dot_parts(const int8x16_t (&w)[8][2], int h, int8x16_t a0, int8x16_t a1) {
    int32x4_t s0 = vdupq_n_s32(0), s1 = vdupq_n_s32(0);
    s0 = dot_s8_lane<0>(s0, w[0][h], a0);
    s1 = dot_s8_lane<0>(s1, w[4][h], a1);
    s0 = dot_s8_lane<1>(s0, w[1][h], a0);
    s1 = dot_s8_lane<1>(s1, w[5][h], a1);
    s0 = dot_s8_lane<2>(s0, w[2][h], a0);
    s1 = dot_s8_lane<2>(s1, w[6][h], a1);
    s0 = dot_s8_lane<3>(s0, w[3][h], a0);
    s1 = dot_s8_lane<3>(s1, w[7][h], a1);
    return vaddq_s32(s0, s1);
}

// The shared loop: decode(b, u) unpacks block b; `offset` is what the stored
// values exceed the weights by (Q4_0: 8, Q5_0: 16, else 0).
template <int C, class Packed, class Decode>
void gemmc_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info, float* out,
              int64_t ldo, int offset, Decode decode) {
    const auto* w = static_cast<const Packed*>(packed);
    const BlockQ8_0* y[C];
    activation_blocks(acts, y);
    float32x4_t acc[C][2];
    for (auto& a : acc) a[0] = a[1] = vdupq_n_f32(0.f);
    DecodedX8 u;
    for (int64_t b = 0; b < cols / QK; ++b) {
        prefetch_ahead(w + b);
        decode(w[b], u);
        for (int c = 0; c < C; ++c) {
            const int8x16_t a0 = load16(y[c][b].qs), a1 = load16(y[c][b].qs + 16);
            const int32x4_t off = vdupq_n_s32(offset * info[c][b].sum);
            const float da = info[c][b].d;
            for (int h = 0; h < 2; ++h) {
                const int32x4_t isum = vsubq_s32(dot_parts(u.w, h, a0, a1), off);
                acc[c][h] = vfmaq_f32(acc[c][h], vcvtq_f32_s32(isum), vmulq_n_f32(u.d[h], da));
            }
        }
    }
    for (int c = 0; c < C; ++c) {
        vst1q_f32(out + c * ldo, acc[c][0]);
        vst1q_f32(out + c * ldo + 4, acc[c][1]);
    }
}

inline void decode_q4_0_x8(const BlockQ4_0x8& b, DecodedX8& u) {
    decode_nibbles_x8(b.qs, u);
    decode_scales_x8(b.d, u);
}

inline void decode_iq4_nl_x8(const BlockQ4_0x8& b, DecodedX8& u) {
    decode_nibbles_x8(b.qs, u);
    const int8x16_t levels = vld1q_s8(kIQ4NL);
    for (auto& part : u.w)
        for (auto& v : part) v = vqtbl1q_s8(levels, vreinterpretq_u8_s8(v));
    decode_scales_x8(b.d, u);
}

// Q5_0: the nibbles plus each weight's fifth bit, bit 4p + e of row r's qh word
// for byte 4r + e of part p: the word's byte is spread over its 4 lanes and
// each lane tests its own bit.
inline void decode_q5_0_x8(const BlockQ5_0x8& b, DecodedX8& u) {
    decode_nibbles_x8(b.qs, u);
    const uint8x16_t spread = {0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12};
    const uint8x16_t bit = {1, 2, 4, 8, 1, 2, 4, 8, 1, 2, 4, 8, 1, 2, 4, 8};
    for (int h = 0; h < 2; ++h) {
        const uint32x4_t qh = vld1q_u32(b.qh + 4 * h);
        for (int p = 0; p < 8; ++p) {
            const uint32x4_t shifted = vshlq_u32(qh, vdupq_n_s32(-4 * p));
            const uint8x16_t set = vtstq_u8(vqtbl1q_u8(vreinterpretq_u8_u32(shifted), spread), bit);
            u.w[p][h] = vorrq_s8(u.w[p][h], as_s8(vandq_u8(set, vdupq_n_u8(0x10))));
        }
    }
    decode_scales_x8(b.d, u);
}

// Q8_0: 8 chunks, chunk p = part p.
inline void decode_q8_0_x8(const BlockQ8_0x8& b, DecodedX8& u) {
    for (int p = 0; p < 8; ++p)
        for (int h = 0; h < 2; ++h) u.w[p][h] = load16(b.qs + 32 * p + 16 * h);
    decode_scales_x8(b.d, u);
}

#define LUMEN_PACKED_KERNEL(name, Packed, offset)                                                          \
    void gemm_##name##_x8(int64_t cols, const void* packed, const void* const* acts,                       \
                          const ActBlockInfo* const* info, int n_act, float* out, int64_t ldo) {           \
        auto decode = [](const Packed& b, DecodedX8& u) { decode_##name##_x8(b, u); };                     \
        int c = 0;                                                                                         \
        for (; c + 4 <= n_act; c += 4)                                                                     \
            gemmc_x8<4, Packed>(cols, packed, acts + c, info + c, out + c * ldo, ldo, offset, decode);     \
        for (; c < n_act; ++c)                                                                             \
            gemmc_x8<1, Packed>(cols, packed, acts + c, info + c, out + c * ldo, ldo, offset, decode);     \
    }

LUMEN_PACKED_KERNEL(q4_0, BlockQ4_0x8, 8)
LUMEN_PACKED_KERNEL(q5_0, BlockQ5_0x8, 16)
LUMEN_PACKED_KERNEL(iq4_nl, BlockQ4_0x8, 0)
LUMEN_PACKED_KERNEL(q8_0, BlockQ8_0x8, 0)
#undef LUMEN_PACKED_KERNEL
