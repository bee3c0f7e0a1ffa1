// The integer sums of the Q2_K, Q4_K and Q6_K super-blocks with 512-bit
// registers (part of avx512.cpp, after x86_kernels.inl): two 32-weight runs
// per instruction instead of one, so about half the vector instructions per
// super-block of the 256-bit sums in x86_dot_kquants.inl.
//
// Same bits: the 256-bit sums put the int32 pair sums of every run into the
// same 8 lanes. Here the first run of each pair goes to lanes 0..7 and the
// second to lanes 8..15; fold() adds the two halves at the end of the block.
// Integer adds are exact and associative, so every int32 lane — and with it
// everything the float part does — equals the 256-bit kernel's.

namespace {

inline __m512i load64(const void* p) { return _mm512_loadu_si512(p); }

// 32 bytes in both 256-bit halves.
inline __m512i load32_twice(const void* p) { return _mm512_broadcast_i64x4(load32(p)); }

inline __m512i twice(__m256i v) { return _mm512_broadcast_i64x4(v); }

inline __m256i fold(__m512i v) {
    return _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
}

// pick16 for two runs: int16 entry `lo` of each 128-bit lane in the low
// 256 bits, entry `hi` in the high 256 bits.
inline __m512i pick16_pair(__m512i table, int lo, int hi) {
    const __m256i c_lo = _mm256_set1_epi16(short(((2 * lo + 1) << 8) | (2 * lo)));
    const __m256i c_hi = _mm256_set1_epi16(short(((2 * hi + 1) << 8) | (2 * hi)));
    return _mm512_shuffle_epi8(table, _mm512_inserti64x4(_mm512_castsi256_si512(c_lo), c_hi, 1));
}

// The same from a table of unsigned bytes: byte `lo` (`hi`) of each 128-bit
// lane, zero-extended to int16 (index 0x80 makes vpshufb write a zero byte).
inline __m512i pick_u8_pair(__m512i table, int lo, int hi) {
    const __m256i c_lo = _mm256_set1_epi16(short(0x8000 | lo)), c_hi = _mm256_set1_epi16(short(0x8000 | hi));
    return _mm512_shuffle_epi8(table, _mm512_inserti64x4(_mm512_castsi256_si512(c_lo), c_hi, 1));
}

// Byte g + l of 128-bit lane l, zero-extended to int16, in every int16 of that lane.
inline __m512i pick_u8_lanes(__m512i table, int g) {
    const auto word = [g](int l) { return int(0x80008000u | uint32_t(g + l) << 16 | uint32_t(g + l)); };
    return _mm512_shuffle_epi8(table, _mm512_set_epi32(word(3), word(3), word(3), word(3), word(2), word(2), word(2),
                                                       word(2), word(1), word(1), word(1), word(1), word(0), word(0),
                                                       word(0), word(0)));
}

inline __m512i madd_acc512(__m512i acc, __m512i p, __m512i s) {
    return _mm512_add_epi32(acc, _mm512_madd_epi16(p, s));
}

constexpr __mmask32 kHighWords = 0xFFFF0000;  // the int16 elements of the high 256 bits

template <int C>
inline void fold_into(const __m512i (&wide)[C], __m256i* isum) {
    for (int c = 0; c < C; ++c) isum[c] = _mm256_add_epi32(isum[c], fold(wide[c]));
}

template <int C>
inline void zero(__m512i (&v)[C]) {
    for (int c = 0; c < C; ++c) v[c] = _mm512_setzero_si512();
}

// Q4_K: chunk k's low nibbles (group 2k) in the low half, high nibbles
// (group 2k + 1) in the high half; the activations of both are 64 bytes in a row.
template <int C>
inline void q4_k_sums512(const BlockQ4_K* x, int64_t i, __m128i packed, const BlockQ8_K* const* y, __m256i* isum) {
    const __m512i mask = _mm512_set1_epi8(0x0F);
    const __m512i scales = _mm512_broadcast_i32x4(packed);
    __m512i wide[C];
    zero(wide);
    for (int chunk = 0; chunk < 4; ++chunk) {
        const __m512i q = load32_twice(x[i].qs + 32 * chunk);
        const __m512i v = _mm512_and_si512(_mm512_mask_srli_epi16(q, kHighWords, q, 4), mask);
        const __m512i s = pick_u8_pair(scales, 2 * chunk, 2 * chunk + 1);
        for (int c = 0; c < C; ++c)
            wide[c] = madd_acc512(wide[c], _mm512_maddubs_epi16(v, load64(y[c][i].qs + 64 * chunk)), s);
    }
    fold_into(wide, isum);
}

// Q6_K: runs (0, 1) and (2, 3) of each half; the low 4 bits of a pair are 64
// bytes of ql in a row, the high 2 bits come from the same 32 bytes of qh.
template <int C>
inline void q6_k_sums512(const BlockQ6_K& x, __m256i table, const BlockQ8_K* const* y, int64_t i, __m256i* isum) {
    const __m512i mask = _mm512_set1_epi8(0x0F), top2 = _mm512_set1_epi8(0x30), k32 = _mm512_set1_epi8(32);
    // Run r's high bits (bits 2r, 2r + 1 of qh) moved to bits 4, 5: shift left by
    // 4 and 2 for runs 0 and 1, right by 0 and 2 for runs 2 and 3.
    const __m512i left01 = _mm512_inserti64x4(_mm512_set1_epi16(4), _mm256_set1_epi16(2), 1);
    const __m512i right23 = _mm512_inserti64x4(_mm512_setzero_si512(), _mm256_set1_epi16(2), 1);
    const __m512i scales = twice(table);
    __m512i wide[C];
    zero(wide);
    for (int h = 0; h < 2; ++h) {
        const __m512i l = load64(x.ql + 64 * h);
        const __m512i hb = load32_twice(x.qh + 32 * h);
        const __m512i v[2] = {
            _mm512_ternarylogic_epi32(_mm512_and_si512(l, mask), _mm512_sllv_epi16(hb, left01), top2, 0xF8),
            _mm512_ternarylogic_epi32(_mm512_and_si512(_mm512_srli_epi16(l, 4), mask), _mm512_srlv_epi16(hb, right23),
                                      top2, 0xF8)};
        for (int pair = 0; pair < 2; ++pair) {
            const int r = 4 * h + 2 * pair;
            const __m512i s = pick16_pair(scales, r, r + 1);
            for (int c = 0; c < C; ++c) {
                // Stored value 0..63 means value - 32: subtracted in the int16 pair sums.
                const __m512i a = load64(y[c][i].qs + 32 * r);
                const __m512i p = _mm512_sub_epi16(_mm512_maddubs_epi16(v[pair], a), _mm512_maddubs_epi16(k32, a));
                wide[c] = madd_acc512(wide[c], p, s);
            }
        }
    }
    fold_into(wide, isum);
}

// Q2_K: runs (0, 1) and (2, 3) of each 32 bytes of qs, in place as in the
// 256-bit sums (crumbs_in_place, InPlaceScales): run 0 masked with 3, run 1
// with 12, run 2 with 48, run 3 shifted right by 2 and masked with 48. The
// scales (4 bits) times 16 and 4 for runs 0 and 1 still fit a byte, so the
// scale tables stay bytes: group g at byte g of every 128-bit lane, and the
// 128-bit lanes of a run pair (r, r + 1) cover groups 2r .. 2r + 3.
template <int C>
inline void q2_k_sums512(const BlockQ2_K& x, __m128i scales, const BlockQ8_K* const* y, int64_t i, __m256i* isum) {
    const __m512i mask01 = _mm512_inserti64x4(_mm512_set1_epi8(3), _mm256_set1_epi8(12), 1);
    const __m512i mask23 = _mm512_set1_epi8(0x30);
    const __m512i bytes = _mm512_broadcast_i32x4(scales);
    // Nibbles shifted within their bytes: no bits cross into the next byte.
    const __m512i times16_4 = _mm512_inserti64x4(_mm512_set1_epi16(4), _mm256_set1_epi16(2), 1);
    const __m512i table[2] = {_mm512_sllv_epi16(bytes, times16_4), bytes};
    __m512i wide[C];
    zero(wide);
    for (int h = 0; h < 2; ++h) {
        const __m512i q = load32_twice(x.qs + 32 * h);
        const __m512i v[2] = {_mm512_and_si512(q, mask01),
                              _mm512_and_si512(_mm512_mask_srli_epi16(q, kHighWords, q, 2), mask23)};
        for (int pair = 0; pair < 2; ++pair) {
            const int r = 4 * h + 2 * pair;
            const __m512i s = pick_u8_lanes(table[pair], 2 * r);
            for (int c = 0; c < C; ++c)
                wide[c] = madd_acc512(wide[c], _mm512_maddubs_epi16(v[pair], load64(y[c][i].qs + 32 * r)), s);
        }
    }
    fold_into(wide, isum);
}

template <int C>
void dotc_q4_k_512(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ4_K*>(wv);
    dotc_q45_k<C, true>(n, x, av, out, [x](int64_t i, __m128i packed, const BlockQ8_K* const* y, __m256i* isum) {
        q4_k_sums512<C>(x, i, packed, y, isum);
    });
}
LUMEN_DOT_ENTRY_POINTS(q4_k_512)

template <int C>
void dotc_q6_k_512(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_q6_k_with<C>(n, wv, av, out, [](const BlockQ6_K& x, __m256i table, const BlockQ8_K* const* y, int64_t i,
                                         __m256i* isum) { q6_k_sums512<C>(x, table, y, i, isum); });
}
LUMEN_DOT_ENTRY_POINTS(q6_k_512)

template <int C>
void dotc_q2_k_512(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_q2_k_with<C>(n, wv, av, out, [](const BlockQ2_K& x, __m128i scales, const BlockQ8_K* const* y, int64_t i,
                                         __m256i* isum) { q2_k_sums512<C>(x, scales, y, i, isum); });
}
LUMEN_DOT_ENTRY_POINTS(q2_k_512)

}  // namespace
