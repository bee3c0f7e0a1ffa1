// The integer sums of the Q6_K super-block with 512-bit registers (part of
// avx512.cpp, after x86_kernels.inl): two 32-weight runs per instruction
// instead of one, 58 instead of 99 instructions per super-block. The same
// scheme for Q4_K and Q2_K fit the llvm-mca models too but measured no faster
// on a Sapphire Rapids VM (docs/kernels.md), so those stay 256 bits wide.
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

inline __m512i madd_acc512(__m512i acc, __m512i p, __m512i s) {
    return _mm512_add_epi32(acc, _mm512_madd_epi16(p, s));
}

template <int C>
inline void fold_into(const __m512i (&wide)[C], __m256i* isum) {
    for (int c = 0; c < C; ++c) isum[c] = _mm256_add_epi32(isum[c], fold(wide[c]));
}

template <int C>
inline void zero(__m512i (&v)[C]) {
    for (int c = 0; c < C; ++c) v[c] = _mm512_setzero_si512();
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

template <int C>
void dotc_q6_k_512(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_q6_k_with<C>(n, wv, av, out, [](const BlockQ6_K& x, __m256i table, const BlockQ8_K* const* y, int64_t i,
                                         __m256i* isum) { q6_k_sums512<C>(x, table, y, i, isum); });
}
LUMEN_DOT_ENTRY_POINTS(q6_k_512)

}  // namespace
