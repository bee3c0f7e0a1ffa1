// Packed (8-row interleaved) matrix kernels (part of the x86 kernel body).
// A block of 8 rows x 32 weights is decoded into 8 chunk registers; chunk m
// holds weights 4m..4m+3 of each of the 8 rows (packed.hpp), so the 4
// activation bytes 4m..4m+3 are broadcast and one dot_u8s8 gives all 8 rows'
// partial sums. Per block: exact int32 sums per row, then
// acc = fma(isum, d_w * d_a, acc) — the same order as ref::gemm_*_x8.

// Four activation bytes broadcast straight from memory (a load, no shuffle port).
inline __m256i bcast4(const int8_t* p) { return _mm256_castps_si256(_mm256_broadcast_ss(reinterpret_cast<const float*>(p))); }

// How a type's decoded chunks meet the unsigned side of dot_u8s8:
//  * kZeroPoint: values are stored unsigned as w + 2^zero_shift (Q4_0: 8,
//    Q5_0: 16); 2^zero_shift * sum(a) comes off each block in integers;
//  * kSigned (IQ4_NL, Q8_0): where the dot takes full bytes (VNNI) the weights
//    are biased by 128 and 128 * sum(a) comes off; otherwise the sign trick:
//    |w| against the activation with w's signs.
enum class Chunks { kZeroPoint, kSigned };

// Two accumulation chains per activation (chunks 0..3 and 4..7): a block's
// eight dot instructions then wait on four predecessors, not eight.
template <int C, Chunks kind, class Packed, class Decode>
void gemmc_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info, float* out,
              int64_t ldo, int zero_shift, Decode decode) {
    const auto* w = static_cast<const Packed*>(packed);
    const BlockQ8_0* y[C];
    activation_blocks(acts, y);
    constexpr bool kBiased = kind == Chunks::kSigned && kDotTakesFullBytes;
    constexpr bool kSignTrick = kind == Chunks::kSigned && !kDotTakesFullBytes;
    const int shift = kBiased ? 7 : zero_shift;
    __m256 acc[C];
    zero(acc);
    const int64_t nb = cols / QK;
    for (int64_t b = 0; b < nb; ++b) {
        prefetch_ahead(w, size_t(b) * sizeof(Packed));
        __m256i wk[8], uw[8];  // decoded chunks; their unsigned form for the dot
        decode(w[b], wk);
        for (int m = 0; m < 8; ++m) {
            if constexpr (kBiased) uw[m] = _mm256_xor_si256(wk[m], _mm256_set1_epi8(char(0x80)));
            else if constexpr (kSignTrick) uw[m] = _mm256_sign_epi8(wk[m], wk[m]);
            else uw[m] = wk[m];
        }
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].d)));
        for (int c = 0; c < C; ++c) {
            const int8_t* a = y[c][b].qs;
            __m256i s[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
            for (int m = 0; m < 8; ++m) {
                const __m256i am = kSignTrick ? _mm256_sign_epi8(bcast4(a + 4 * m), wk[m]) : bcast4(a + 4 * m);
                s[m / 4] = dot_u8s8_acc(s[m / 4], uw[m], am);
            }
            __m256i isum = _mm256_add_epi32(s[0], s[1]);
            if (!kSignTrick) isum = _mm256_sub_epi32(isum, _mm256_slli_epi32(_mm256_set1_epi32(info[c][b].sum), shift));
            const __m256 scale = _mm256_mul_ps(dw, _mm256_broadcast_ss(&info[c][b].d));
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), scale, acc[c]);
        }
    }
    for (int c = 0; c < C; ++c) _mm256_storeu_ps(out + c * ldo, acc[c]);
}

// The 4 nibble chunks of a Q4_0-layout block: low nibbles -> chunks 0..3
// (weights 0..15), high nibbles -> chunks 4..7 (weights 16..31).
inline void nibble_chunks(const uint8_t* qs, __m256i (&wk)[8]) {
    const __m256i mask = _mm256_set1_epi8(0x0F);
    for (int k = 0; k < 4; ++k) {
        const __m256i q = load32(qs + 32 * k);
        wk[k] = _mm256_and_si256(q, mask);
        wk[4 + k] = _mm256_and_si256(_mm256_srli_epi16(q, 4), mask);
    }
}

// Q5_0's fifth bits for chunk m as 0x10 per byte. Chunk m's weights are
// 4m..4m+3, whose bits sit in byte m/2 of each row's qh word: that byte is
// spread over the row's 4 lanes and lane e tests its own bit.
inline __m256i q5_fifth_bits(__m256i qh, int m) {
    const int byte = m / 2;
    const __m256i spread = _mm256_shuffle_epi8(
        qh, _mm256_setr_epi32(0x01010101 * byte, 0x01010101 * (4 + byte), 0x01010101 * (8 + byte),
                              0x01010101 * (12 + byte), 0x01010101 * byte, 0x01010101 * (4 + byte),
                              0x01010101 * (8 + byte), 0x01010101 * (12 + byte)));
    const int s = 4 * (m % 2);
    const __m256i bit = _mm256_set1_epi32(int((1u << s) | (2u << s) << 8 | (4u << s) << 16 | (8u << s) << 24));
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit), _mm256_set1_epi8(0x10));
}

template <int C>
void gemmc_q4_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                   float* out, int64_t ldo) {
    gemmc_x8<C, Chunks::kZeroPoint, BlockQ4_0x8>(cols, packed, acts, info, out, ldo, 3,
                                                 [](const BlockQ4_0x8& w, __m256i(&wk)[8]) { nibble_chunks(w.qs, wk); });
}

template <int C>
void gemmc_q5_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                   float* out, int64_t ldo) {
    gemmc_x8<C, Chunks::kZeroPoint, BlockQ5_0x8>(cols, packed, acts, info, out, ldo, 4,
                                                 [](const BlockQ5_0x8& w, __m256i(&wk)[8]) {
                                                     nibble_chunks(w.qs, wk);
                                                     const __m256i qh = load32(w.qh);
                                                     for (int m = 0; m < 8; ++m)
                                                         wk[m] = _mm256_or_si256(wk[m], q5_fifth_bits(qh, m));
                                                 });
}

template <int C>
void gemmc_iq4_nl_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                     float* out, int64_t ldo) {
    const __m256i levels = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIQ4NL)));
    gemmc_x8<C, Chunks::kSigned, BlockQ4_0x8>(cols, packed, acts, info, out, ldo, 0,
                                              [levels](const BlockQ4_0x8& w, __m256i(&wk)[8]) {
                                                  nibble_chunks(w.qs, wk);
                                                  for (int m = 0; m < 8; ++m) wk[m] = _mm256_shuffle_epi8(levels, wk[m]);
                                              });
}

template <int C>
void gemmc_q8_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                   float* out, int64_t ldo) {
    gemmc_x8<C, Chunks::kSigned, BlockQ8_0x8>(cols, packed, acts, info, out, ldo, 0,
                                              [](const BlockQ8_0x8& w, __m256i(&wk)[8]) {
                                                  for (int m = 0; m < 8; ++m) wk[m] = load32(w.qs + 32 * m);
                                              });
}

// Entry points: four activations at a time, then one by one (same code, same bits).
#define LUMEN_PACKED_ENTRY_POINT(name)                                                                           \
    void gemm_##name##_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info, \
                          int n_act, float* out, int64_t ldo) {                                                  \
        int c = 0;                                                                                               \
        for (; c + 4 <= n_act; c += 4) gemmc_##name##_x8<4>(cols, packed, acts + c, info + c, out + c * ldo, ldo); \
        for (; c < n_act; ++c) gemmc_##name##_x8<1>(cols, packed, acts + c, info + c, out + c * ldo, ldo);       \
    }
LUMEN_PACKED_ENTRY_POINT(q4_0)
LUMEN_PACKED_ENTRY_POINT(q5_0)
LUMEN_PACKED_ENTRY_POINT(iq4_nl)
LUMEN_PACKED_ENTRY_POINT(q8_0)
#undef LUMEN_PACKED_ENTRY_POINT
