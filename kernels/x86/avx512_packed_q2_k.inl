// Packed Q2_K with the scales looked up, not multiplied (part of avx512.cpp,
// after x86_kernels.inl; the AVX2 build keeps x86_packed_q2_k.inl).
//
// The AVX2 kernel multiplies twice per 32 weights (4 of each of the 8 rows):
// the 2-bit fields by the activations (maddubs, int16 pairs), then the pairs
// by the group's scale (madd), and adds. Here a field q (0..3) and its row's
// 4-bit scale s become the byte q*s (0..45) in one vpshufb from a per-group
// table, and vpdpbusd multiplies that by the activations and adds it into
// int32 in one instruction: three instructions per 32 weights instead of
// four, and only one of them a multiply (docs/kernels.md, "Packed Q2_K"). The table of a group holds, for each of the
// four rows of a 128-bit lane, q*s for q = 0..3 (16 bytes); the index byte is
// the field and the row's place in its lane, put together by one vpternlogd.
//
// Same bits: each int32 lane l of row r adds exactly the integers the AVX2
// kernel adds there (q*s*a, without its in-place x16), so with the float
// scale d instead of d/16 every float step is the same (scaling by 16 is exact).
// tests/test_kernels_simd.cpp checks it against the scalar twin.

namespace {

// Both arrangements of a group's table, from 8 scale bytes (row r at byte
// 8k + r of `src`, k = 0 or 1, in both 128-bit lanes) in the low nibbles.
//  - by row: byte 4p + q = q * s of row p of the lane (index: q | p << 2);
//  - by field: byte 4q + p = q * s of row p (index: q << 2 | p).
// vpmullw on 16-bit words: every byte product is < 256, so none carries over.
inline __m256i q2k_table_by_row(__m256i src, int k) {
    const int b = 8 * k;
    const __m256i pick = _mm256_setr_epi8(b, -1, b, -1, b + 1, -1, b + 1, -1, b + 2, -1, b + 2, -1, b + 3, -1, b + 3, -1,  //
                                          b + 4, -1, b + 4, -1, b + 5, -1, b + 5, -1, b + 6, -1, b + 6, -1, b + 7, -1, b + 7, -1);
    return _mm256_mullo_epi16(_mm256_shuffle_epi8(src, pick), _mm256_set1_epi32(0x03020100));
}

inline __m256i q2k_table_by_field(__m256i src, int k) {
    const int b = 8 * k;
    const __m256i pick = _mm256_setr_epi8(b, b + 1, b + 2, b + 3, b, b + 1, b + 2, b + 3, b, b + 1, b + 2, b + 3, b, b + 1, b + 2, b + 3,  //
                                          b + 4, b + 5, b + 6, b + 7, b + 4, b + 5, b + 6, b + 7, b + 4, b + 5, b + 6, b + 7, b + 4,
                                          b + 5, b + 6, b + 7);
    return _mm256_mullo_epi16(_mm256_shuffle_epi8(src, pick), _mm256_setr_epi16(0, 0, 1, 1, 2, 2, 3, 3, 0, 0, 1, 1, 2, 2, 3, 3));
}

// The tables of the 8 groups of one parity (groups 8h + 2run + parity), in
// the arrangement each run's index uses: runs 0, 2 by row, runs 1, 3 by field.
// Scale byte 8q' + r holds s_a << 4 | s_(a+4) of row r; for half h and this
// parity, q' = 4h + parity has runs 0 (high) and 2 (low), q' = 4h + 2 + parity
// runs 1 (high) and 3 (low).
struct Q2KTables {
    __m256i run[8];  // [4h + run]
    Q2KTables(const uint8_t* scales, int parity) {
        const __m256i low4 = _mm256_set1_epi8(0x0F);
#pragma GCC unroll 2
        for (int h = 0; h < 2; ++h) {
            const __m256i b0 = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(scales + 32 * h)));
            const __m256i b1 = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(scales + 32 * h + 16)));
            run[4 * h] = q2k_table_by_row(_mm256_and_si256(_mm256_srli_epi16(b0, 4), low4), parity);
            run[4 * h + 1] = q2k_table_by_field(_mm256_and_si256(_mm256_srli_epi16(b1, 4), low4), parity);
            run[4 * h + 2] = q2k_table_by_row(_mm256_and_si256(b0, low4), parity);
            run[4 * h + 3] = q2k_table_by_field(_mm256_and_si256(b1, low4), parity);
        }
    }
};

// (v & mask) | place in one instruction: vpternlogd truth table 0xEA.
inline __m256i q2k_index(__m256i v, __m256i mask, __m256i place) { return _mm256_ternarylogic_epi32(v, mask, place, 0xEA); }

template <int C>
void gemmc_q2_k_x8_lookup(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ2_Kx8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    // A row's place p in its 128-bit lane (dword p), in both index forms.
    const __m256i place_high = _mm256_setr_epi32(0x00000000, 0x04040404, 0x08080808, 0x0C0C0C0C,  //
                                                 0x00000000, 0x04040404, 0x08080808, 0x0C0C0C0C);
    const __m256i place_low = _mm256_setr_epi32(0x00000000, 0x01010101, 0x02020202, 0x03030303,  //
                                                0x00000000, 0x01010101, 0x02020202, 0x03030303);
    const __m256i field0 = _mm256_set1_epi8(0x03), field1 = _mm256_set1_epi8(0x0C);
    __m256 acc[C][8];
    for (int t = 0; t < C; ++t)
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm256_setzero_ps();
    const int64_t nb = cols / QK_K;
    for (int64_t b = 0; b < nb; ++b) {
        const BlockQ2_Kx8& blk = w[b];
        prefetch_lines_ahead(blk);
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.d)));
        const __m256 dm = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.dmin)));
#pragma GCC unroll 2
        for (int parity = 0; parity < 2; ++parity) {
            const Q2KTables table(blk.scales, parity);
#pragma GCC unroll 4
            for (int l = 4 * parity; l < 4 * parity + 4; ++l) {  // lane l of the reference: weights 4l..4l+3 of every run
                __m256i half_sum[2][C];  // one vpdpbusd chain per half: 4 deep, not 8
#pragma GCC unroll 2
                for (int h = 0; h < 2; ++h) {
                    __m256i* lane = half_sum[h];
                    for (int t = 0; t < C; ++t) lane[t] = _mm256_setzero_si256();
                    const __m256i q = load32_once(blk.qs + 32 * (8 * h + l));
                    const __m256i q_hi = _mm256_srli_epi16(q, 4);  // runs 2, 3 at bits 0-3 (bits 4-7: don't care)
                    const __m256i index[4] = {q2k_index(q, field0, place_high), q2k_index(q, field1, place_low),
                                              q2k_index(q_hi, field0, place_high), q2k_index(q_hi, field1, place_low)};
#pragma GCC unroll 4
                    for (int run = 0; run < 4; ++run) {
                        const __m256i qs = _mm256_shuffle_epi8(table.run[4 * h + run], index[run]);  // q * s, 0..45
                        for (int t = 0; t < C; ++t)
                            lane[t] = dot_u8s8_acc_bcast4(lane[t], qs, y[t][b].qs + 128 * h + 32 * run + 4 * l);
                    }
                }
                const __m256i min_pair = q2k_min_pairs(blk, l);
                for (int t = 0; t < C; ++t) {
                    const __m256i lane = _mm256_add_epi32(half_sum[0][t], half_sum[1][t]);
                    acc[t][l] = q2k_accumulate_lane(acc[t][l], lane, min_pair, y[t][b], l, dw, dm);
                }
            }
        }
    }
    for (int t = 0; t < C; ++t) _mm256_storeu_ps(out + t * ldo, sum8_halving(acc[t]));
}

void gemm_q2_k_x8_lookup(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                         float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q2_k_x8_lookup<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q2_k_x8_lookup<1>(cols, packed, acts + c, out + c * ldo, ldo);
}

}  // namespace
