// Packed (8-row interleaved) matrix kernels (part of the x86 kernel body).
// One weight chunk register holds 4 weights of each of 8 rows; the matching 4
// activation bytes are broadcast, and dot_u8s8 gives all 8 rows' partial sums.
// Per block: exact int32 sums per row (minus 8 * sum(a) for Q4_0's offset),
// then acc = fma(isum, d_w * d_a, acc) — the same order as ref::gemm_q4_0_x8.

// Four activation bytes broadcast straight from memory (a load, no shuffle port).
inline __m256i bcast4(const int8_t* p) { return _mm256_castps_si256(_mm256_broadcast_ss(reinterpret_cast<const float*>(p))); }

// Two accumulation chains per activation (low and high nibbles): a block's
// eight dot instructions then wait on four predecessors, not eight.
template <int C>
void gemmc_q4_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                   float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ4_0x8*>(packed);
    const BlockQ8_0* y[C];
    activation_blocks(acts, y);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    __m256 acc[C];
    zero(acc);
    const int64_t nb = cols / QK;
    for (int64_t b = 0; b < nb; ++b) {
        prefetch_ahead(w, size_t(b) * sizeof(BlockQ4_0x8));
        __m256i lo[4], hi[4];
        for (int k = 0; k < 4; ++k) {
            const __m256i q = load32_once(w[b].qs + 32 * k);
            lo[k] = _mm256_and_si256(q, mask);
            hi[k] = _mm256_and_si256(_mm256_srli_epi16(q, 4), mask);
        }
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].d)));
        for (int c = 0; c < C; ++c) {
            const int8_t* a = y[c][b].qs;
            __m256i s_lo = _mm256_setzero_si256(), s_hi = _mm256_setzero_si256();
            for (int k = 0; k < 4; ++k) {
                s_lo = dot_u8s8_acc_bcast4(s_lo, lo[k], a + 4 * k);
                s_hi = dot_u8s8_acc_bcast4(s_hi, hi[k], a + 16 + 4 * k);
            }
            // Stored q = w + 8: the 8 * sum(a) comes off in integers.
            const __m256i offset = _mm256_slli_epi32(_mm256_set1_epi32(info[c][b].sum), 3);
            const __m256i isum = _mm256_sub_epi32(_mm256_add_epi32(s_lo, s_hi), offset);
            const __m256 scale = _mm256_mul_ps(dw, _mm256_broadcast_ss(&info[c][b].d));
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), scale, acc[c]);
        }
    }
    for (int c = 0; c < C; ++c) _mm256_storeu_ps(out + c * ldo, acc[c]);
}

void gemm_q4_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q4_0_x8<4>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q4_0_x8<1>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
}

// Q5_0: the Q4_0 nibbles plus each weight's fifth bit from the rows' qh words.
// For chunk k the bits of the low-nibble weights (4k..4k+3) sit in byte k/2 of
// each row's word, those of the high-nibble weights (20+..) in byte 2 + k/2:
// that byte is spread over the row's 4 lanes, and lane e tests its own bit.
inline __m256i q5_fifth_bits(__m256i qh, int k, bool high) {
    const int byte = (high ? 2 : 0) + k / 2;
    const __m256i spread = _mm256_shuffle_epi8(
        qh, _mm256_setr_epi32(0x01010101 * byte, 0x01010101 * (4 + byte), 0x01010101 * (8 + byte),
                              0x01010101 * (12 + byte), 0x01010101 * byte, 0x01010101 * (4 + byte),
                              0x01010101 * (8 + byte), 0x01010101 * (12 + byte)));
    const int s = 4 * (k % 2);
    const __m256i bit = _mm256_set1_epi32(int((1u << s) | (2u << s) << 8 | (4u << s) << 16 | (8u << s) << 24));
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit), _mm256_set1_epi8(0x10));
}

template <int C>
void gemmc_q5_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                   float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ5_0x8*>(packed);
    const BlockQ8_0* y[C];
    activation_blocks(acts, y);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    __m256 acc[C];
    zero(acc);
    const int64_t nb = cols / QK;
    for (int64_t b = 0; b < nb; ++b) {
        prefetch_ahead(w, size_t(b) * sizeof(BlockQ5_0x8));
        const __m256i qh = load32(w[b].qh);
        __m256i lo[4], hi[4];
        for (int k = 0; k < 4; ++k) {
            const __m256i q = load32_once(w[b].qs + 32 * k);
            lo[k] = _mm256_or_si256(_mm256_and_si256(q, mask), q5_fifth_bits(qh, k, false));
            hi[k] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), mask), q5_fifth_bits(qh, k, true));
        }
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].d)));
        for (int c = 0; c < C; ++c) {
            const int8_t* a = y[c][b].qs;
            __m256i s_lo = _mm256_setzero_si256(), s_hi = _mm256_setzero_si256();
            for (int k = 0; k < 4; ++k) {
                s_lo = dot_u8s8_acc(s_lo, lo[k], bcast4(a + 4 * k));
                s_hi = dot_u8s8_acc(s_hi, hi[k], bcast4(a + 16 + 4 * k));
            }
            // Stored q = w + 16: the 16 * sum(a) comes off in integers.
            const __m256i offset = _mm256_slli_epi32(_mm256_set1_epi32(info[c][b].sum), 4);
            const __m256i isum = _mm256_sub_epi32(_mm256_add_epi32(s_lo, s_hi), offset);
            const __m256 scale = _mm256_mul_ps(dw, _mm256_broadcast_ss(&info[c][b].d));
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), scale, acc[c]);
        }
    }
    for (int c = 0; c < C; ++c) _mm256_storeu_ps(out + c * ldo, acc[c]);
}

void gemm_q5_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q5_0_x8<4>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q5_0_x8<1>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
}

// IQ4_NL: Q4_0's layout, the nibbles looked up in the 16 levels (signed, so
// the sign trick of the Q8_0 kernel below applies).
template <int C>
void gemmc_iq4_nl_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                     float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ4_0x8*>(packed);
    const BlockQ8_0* y[C];
    activation_blocks(acts, y);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    const __m256i levels = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(kIQ4NL)));
    __m256 acc[C];
    zero(acc);
    const int64_t nb = cols / QK;
    for (int64_t b = 0; b < nb; ++b) {
        prefetch_ahead(w, size_t(b) * sizeof(BlockQ4_0x8));
        // Chunk k: low nibbles (weights 4k..), chunk 4 + k: high (16 + 4k..). Where the
        // dot takes full bytes, levels + 128 are unsigned and 128 * sum(a) comes off
        // afterwards; otherwise |level| with the signs moved onto the activations.
        __m256i wk[8], aw[8];
        const __m256i table = kDotTakesFullBytes ? _mm256_add_epi8(levels, _mm256_set1_epi8(char(0x80))) : levels;
        for (int k = 0; k < 4; ++k) {
            const __m256i q = load32_once(w[b].qs + 32 * k);
            wk[k] = _mm256_shuffle_epi8(table, _mm256_and_si256(q, mask));
            wk[4 + k] = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(q, 4), mask));
        }
        if constexpr (!kDotTakesFullBytes)
            for (int k = 0; k < 8; ++k) aw[k] = _mm256_sign_epi8(wk[k], wk[k]);
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].d)));
        for (int c = 0; c < C; ++c) {
            const int8_t* a = y[c][b].qs;
            __m256i s_lo = _mm256_setzero_si256(), s_hi = _mm256_setzero_si256();
            for (int k = 0; k < 4; ++k) {
                if constexpr (kDotTakesFullBytes) {
                    s_lo = dot_u8s8_acc(s_lo, wk[k], bcast4(a + 4 * k));
                    s_hi = dot_u8s8_acc(s_hi, wk[4 + k], bcast4(a + 16 + 4 * k));
                } else {
                    s_lo = dot_u8s8_acc(s_lo, aw[k], _mm256_sign_epi8(bcast4(a + 4 * k), wk[k]));
                    s_hi = dot_u8s8_acc(s_hi, aw[4 + k], _mm256_sign_epi8(bcast4(a + 16 + 4 * k), wk[4 + k]));
                }
            }
            __m256i isum = _mm256_add_epi32(s_lo, s_hi);
            if constexpr (kDotTakesFullBytes)
                isum = _mm256_sub_epi32(isum, _mm256_slli_epi32(_mm256_set1_epi32(info[c][b].sum), 7));
            const __m256 scale = _mm256_mul_ps(dw, _mm256_broadcast_ss(&info[c][b].d));
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), scale, acc[c]);
        }
    }
    for (int c = 0; c < C; ++c) _mm256_storeu_ps(out + c * ldo, acc[c]);
}

void gemm_iq4_nl_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                    int n_act, float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_iq4_nl_x8<4>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_iq4_nl_x8<1>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
}

// Q8_0: signed weights; with VNNI biased by 128 (unsigned, 128 * sum(a) taken
// off), with AVX2 |w| and the weights' signs on the broadcast activation, so
// unsigned x signed products stay exact either way. Each row's
// block sum is completed in integers and scaled once per block (the reference
// instead keeps 8 float lanes per row; see docs/accuracy.md).
template <int C>
void gemmc_q8_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                   float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ8_0x8*>(packed);
    const BlockQ8_0* y[C];
    activation_blocks(acts, y);
    __m256 acc[C];
    zero(acc);
    const int64_t nb = cols / QK;
    for (int64_t b = 0; b < nb; ++b) {
        prefetch_ahead(w, size_t(b) * sizeof(BlockQ8_0x8));
        // As for IQ4_NL: biased by 128 where the dot takes full bytes, else signs moved.
        __m256i wk[8], aw[8];
        for (int k = 0; k < 8; ++k) {
            wk[k] = load32(w[b].qs + 32 * k);
            aw[k] = kDotTakesFullBytes ? _mm256_xor_si256(wk[k], _mm256_set1_epi8(char(0x80)))
                                       : _mm256_sign_epi8(wk[k], wk[k]);
        }
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w[b].d)));
        for (int c = 0; c < C; ++c) {
            const int8_t* a = y[c][b].qs;
            __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
            for (int k = 0; k < 8; k += 2) {
                if constexpr (kDotTakesFullBytes) {
                    s0 = dot_u8s8_acc_bcast4(s0, aw[k], a + 4 * k);
                    s1 = dot_u8s8_acc_bcast4(s1, aw[k + 1], a + 4 * k + 4);
                } else {
                    s0 = dot_u8s8_acc(s0, aw[k], _mm256_sign_epi8(bcast4(a + 4 * k), wk[k]));
                    s1 = dot_u8s8_acc(s1, aw[k + 1], _mm256_sign_epi8(bcast4(a + 4 * k + 4), wk[k + 1]));
                }
            }
            __m256i isum = _mm256_add_epi32(s0, s1);
            if constexpr (kDotTakesFullBytes)
                isum = _mm256_sub_epi32(isum, _mm256_slli_epi32(_mm256_set1_epi32(info[c][b].sum), 7));
            const __m256 scale = _mm256_mul_ps(dw, _mm256_broadcast_ss(&info[c][b].d));
            acc[c] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), scale, acc[c]);
        }
    }
    for (int c = 0; c < C; ++c) _mm256_storeu_ps(out + c * ldo, acc[c]);
}

void gemm_q8_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                  int n_act, float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q8_0_x8<4>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q8_0_x8<1>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
}
