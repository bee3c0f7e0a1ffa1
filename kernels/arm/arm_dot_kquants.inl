// K-quant and TQ2_0 dot products (part of the ARM kernel body). Every type is
// decoded into one shape: 16 vectors of 16 signed weights in element order,
// with one integer scale (and minimum) per 16 weights — types with groups of
// 32 repeat the group's scale, which leaves the integer sums unchanged. Then
// one kernel: exact per-16 sums (sdot), times the scales in integers, minimums
// from the activations' bsums, and per super-block the scalar reference's float
// step sum += d_a * (d * isum - dmin * msum).

struct DecodedK {
    int8x16_t q[16];      // weights 16v .. 16v+15 in q[v]
    int32_t scale[16];    // of weights 16v .. 16v+15
    int32_t min[16];      // the same, for the types with minimums
    int32x4_t scale32[2], min32[2];  // instead, per group of 32 (kGroups32 below): groups 4h .. 4h+3
    float d, dmin;
};

// 2-bit field `run` (0..3) of 16 bytes: the layout of Q2_K, Q3_K and TQ2_0.
inline uint8x16_t crumbs(uint8x16_t v, int run) {
    return vandq_u8(vshlq_u8(v, vdupq_n_s8(int8_t(-2 * run))), vdupq_n_u8(3));
}

// The 2-bit fields of a Q2_K / Q3_K / TQ2_0 super-block in element order:
// vector v is run (v % 8) / 2 of bytes 32 (v / 8) + 16 (v % 2) .. +15.
inline void decode_crumbs(const uint8_t* qs, int8x16_t (&q)[16]) {
    for (int v = 0; v < 16; ++v) q[v] = as_s8(crumbs(load16(qs + 32 * (v / 8) + 16 * (v % 2)), (v % 8) / 2));
}

inline void decode(const BlockQ2_K& b, DecodedK& u) {
    decode_crumbs(b.qs, u.q);
    for (int g = 0; g < 16; ++g) {
        u.scale[g] = b.scales[g] & 0xF;
        u.min[g] = b.scales[g] >> 4;
    }
    u.d = half(b.d);
    u.dmin = half(b.dmin);
}

// Q3_K: the high bit 4n + j of hmask[l] set means "no -4" for element 128n + 32j + l.
inline void decode(const BlockQ3_K& b, DecodedK& u) {
    decode_crumbs(b.qs, u.q);
    const uint8x16_t hm[2] = {load16(b.hmask), load16(b.hmask + 16)};
    for (int v = 0; v < 16; ++v) {
        const uint8x16_t set = vtstq_u8(hm[v % 2], vdupq_n_u8(uint8_t(1u << (v / 2))));
        u.q[v] = vsubq_s8(u.q[v], as_s8(vbicq_u8(vdupq_n_u8(4), set)));
        u.scale[v] = unpack_scale_q3_k(v, b.scales);
        u.min[v] = 0;
    }
    u.d = half(b.d);
    u.dmin = 0.f;
}

// Q4_K / Q5_K: chunk j of 64 elements = the low nibbles of qs[32j..32j+31],
// then their high nibbles; eight groups of 32 with 6-bit scales and minimums
// (in scale32/min32: these types take the per-32 path of scaled_sum/min_sum).
template <class Block>
inline void decode_nibbles_k4(const Block& b, DecodedK& u) {
    for (int j = 0; j < 4; ++j) {
        const uint8x16_t b0 = load16(b.qs + 32 * j), b1 = load16(b.qs + 32 * j + 16);
        u.q[4 * j] = low_nibbles(b0);
        u.q[4 * j + 1] = low_nibbles(b1);
        u.q[4 * j + 2] = high_nibbles(b0);
        u.q[4 * j + 3] = high_nibbles(b1);
    }
    // The eight 6-bit scales and minimums at once, as 32-bit words (the same
    // bits as unpack_scale_min_k4): scales 0-3 and minimums 0-3 are the low 6
    // bits of bytes 0-3 / 4-7; scales 4-7 and minimums 4-7 take their low 4
    // bits from the nibbles of bytes 8-11 and their top 2 bits from the top
    // bits of bytes 0-3 / 4-7.
    uint32_t w[3];
    std::memcpy(w, b.scales, 12);
    const uint32_t low6 = 0x3f3f3f3f, low4 = 0x0f0f0f0f, low2 = 0x03030303;
    const uint32_t sc[2] = {w[0] & low6, (w[2] & low4) | (((w[0] >> 6) & low2) << 4)};
    const uint32_t mn[2] = {w[1] & low6, ((w[2] >> 4) & low4) | (((w[1] >> 6) & low2) << 4)};
    // The eight groups' values widened to int32, in two vectors (kept in registers).
    const auto widen = [](const uint32_t (&v)[2], int32x4_t (&out)[2]) {
        uint8x8_t bytes;
        std::memcpy(&bytes, v, 8);
        const uint16x8_t w16 = vmovl_u8(bytes);
        out[0] = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(w16)));
        out[1] = vreinterpretq_s32_u32(vmovl_high_u16(w16));
    };
    widen(sc, u.scale32);
    widen(mn, u.min32);
    u.d = half(b.d);
    u.dmin = half(b.dmin);
}

inline void decode(const BlockQ4_K& b, DecodedK& u) { decode_nibbles_k4(b, u); }

// Q5_K: the fifth bit of element k is bit 2 (k / 64) + (k % 64 >= 32) of qh[k % 32].
inline void decode(const BlockQ5_K& b, DecodedK& u) {
    decode_nibbles_k4(b, u);
    const uint8x16_t qh[2] = {load16(b.qh), load16(b.qh + 16)};
    for (int v = 0; v < 16; ++v) {
        const int bit = 2 * (v / 4) + (v % 4 >= 2);
        const uint8x16_t set = vtstq_u8(qh[v % 2], vdupq_n_u8(uint8_t(1u << bit)));
        u.q[v] = vorrq_s8(u.q[v], as_s8(vandq_u8(set, vdupq_n_u8(0x10))));
    }
}

// Q6_K: element 128n + 32j + l: low 4 bits from ql[64n + 32 (j & 1) + l] (low
// nibble for j < 2, high for j >= 2), 2 high bits (j) of qh[32n + l]; minus 32.
inline void decode(const BlockQ6_K& b, DecodedK& u) {
    for (int v = 0; v < 16; ++v) {
        const int n = v / 8, j = (v % 8) / 2, half16 = 16 * (v % 2);
        const uint8x16_t l = load16(b.ql + 64 * n + 32 * (j & 1) + half16);
        const uint8x16_t low = j < 2 ? vandq_u8(l, vdupq_n_u8(0x0F)) : vshrq_n_u8(l, 4);
        const uint8x16_t high = vshlq_n_u8(crumbs(load16(b.qh + 32 * n + half16), j), 4);
        u.q[v] = vsubq_s8(as_s8(vorrq_u8(low, high)), vdupq_n_s8(32));
        u.scale[v] = b.scales[v];
        u.min[v] = 0;
    }
    u.d = half(b.d);
    u.dmin = 0.f;
}

// TQ2_0: the Q2_K field layout, values minus 1, one scale.
inline void decode(const BlockTQ2_0& b, DecodedK& u) {
    decode_crumbs(b.qs, u.q);
    for (int v = 0; v < 16; ++v) {
        u.q[v] = vsubq_s8(u.q[v], vdupq_n_s8(1));
        u.scale[v] = 1;
        u.min[v] = 0;
    }
    u.d = half(b.d);
    u.dmin = 0.f;
}

// [sum a, sum b, sum c, sum d]
inline int32x4_t sums4(int32x4_t a, int32x4_t b, int32x4_t c, int32x4_t d) {
    return vpaddq_s32(vpaddq_s32(a, b), vpaddq_s32(c, d));
}

// Whether a K-quant type stores per-group minimums (the others leave DecodedK::min zero).
template <class Block> constexpr bool kHasMins = false;
template <> constexpr bool kHasMins<BlockQ2_K> = true;
template <> constexpr bool kHasMins<BlockQ4_K> = true;
template <> constexpr bool kHasMins<BlockQ5_K> = true;

// Whether a type's scales (and minimums) are per 32 weights: then both
// 16-weight halves of a group go into one accumulator (sdot twice), which
// halves the pairwise-add reductions and scale multiplies. The sums are exact
// integers either way, so the result is the same.
template <class Block> constexpr bool kGroups32 = false;
template <> constexpr bool kGroups32<BlockQ4_K> = true;
template <> constexpr bool kGroups32<BlockQ5_K> = true;

// sum over v of scale[v] * (q[v] . a[16v .. 16v+15]), exact.
template <class Block>
inline int32_t scaled_sum(const DecodedK& u, const int8_t* a) {
    int32x4_t acc = vdupq_n_s32(0);
    if constexpr (kGroups32<Block>) {
        for (int g = 0; g < 8; g += 4) {  // groups g..g+3 of 32 weights
            int32x4_t p[4];
            for (int k = 0; k < 4; ++k) {
                const int v = 2 * (g + k);
                p[k] = dot_s8(dot_s8(vdupq_n_s32(0), u.q[v], load16(a + 16 * v)), u.q[v + 1], load16(a + 16 * v + 16));
            }
            acc = vmlaq_s32(acc, sums4(p[0], p[1], p[2], p[3]), u.scale32[g / 4]);
        }
    } else {
        for (int v = 0; v < 16; v += 4) {
            int32x4_t p[4];
            for (int k = 0; k < 4; ++k) p[k] = dot_s8(vdupq_n_s32(0), u.q[v + k], load16(a + 16 * (v + k)));
            acc = vmlaq_s32(acc, sums4(p[0], p[1], p[2], p[3]), vld1q_s32(u.scale + v));
        }
    }
    return vaddvq_s32(acc);
}

// sum over v of min[v] * bsums[v], exact.
template <class Block>
inline int32_t min_sum(const DecodedK& u, const int16_t* bsums) {
    int32x4_t acc = vdupq_n_s32(0);
    if constexpr (kGroups32<Block>) {
        // bsums of the two halves of each group added first (|sum| <= 2 * 16 * 127: fits int16).
        const int16x8_t pairs = vpaddq_s16(vld1q_s16(bsums), vld1q_s16(bsums + 8));
        acc = vmlaq_s32(acc, vmovl_s16(vget_low_s16(pairs)), u.min32[0]);
        acc = vmlaq_s32(acc, vmovl_high_s16(pairs), u.min32[1]);
    } else {
        for (int v = 0; v < 16; v += 4) acc = vmlaq_s32(acc, vmovl_s16(vld1_s16(bsums + v)), vld1q_s32(u.min + v));
    }
    return vaddvq_s32(acc);
}

template <int C, class Block>
void dotc_k(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const Block*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    float sum[C] = {};
    DecodedK u;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x + i);
        decode(x[i], u);
        for (int c = 0; c < C; ++c) {
            // Q3_K, Q6_K and TQ2_0 have no minimums: their msum is 0, as the scalar kernel's.
            const int32_t isum = scaled_sum<Block>(u, y[c][i].qs);
            const int32_t msum = kHasMins<Block> ? min_sum<Block>(u, y[c][i].bsums) : 0;
            sum[c] += y[c][i].d * (u.d * float(isum) - u.dmin * float(msum));
        }
    }
    for (int c = 0; c < C; ++c) out[c] = sum[c];
}

#define LUMEN_K_KERNEL(name, Block)                                                   \
    template <int C>                                                                  \
    void dotc_##name(int64_t n, const void* wv, const void* const* av, float* out) {  \
        dotc_k<C, Block>(n, wv, av, out);                                             \
    }                                                                                 \
    LUMEN_DOT_ENTRY_POINTS(name)

LUMEN_K_KERNEL(q2_k, BlockQ2_K)
LUMEN_K_KERNEL(q3_k, BlockQ3_K)
LUMEN_K_KERNEL(q4_k, BlockQ4_K)
LUMEN_K_KERNEL(q5_k, BlockQ5_K)
LUMEN_K_KERNEL(q6_k, BlockQ6_K)
LUMEN_K_KERNEL(tq2_0, BlockTQ2_0)
#undef LUMEN_K_KERNEL
