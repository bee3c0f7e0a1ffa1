// Packed Q2_K (BlockQ2_Kx8, part of the x86 kernel body): the 8 int32 lanes
// hold the 8 rows. Chunk 8h + l of a super-block holds 4 quant bytes of each
// row; its 4 runs of 2-bit fields, masked in place (crumbs_in_place) and
// multiplied by activation bytes 128h + 32run + 4l.. (broadcast) as 16-bit
// pair sums (added over 2 or 4 chunks in int16: q2k_group_sums), times the
// rows' scale of that group (premultiplied by 16/4/1/1), all add into one
// int32 per row: 16 x the super-block's integer sum of
// ref::gemm_q2_k_x8. The mins against the bsums make the other integer, and
// two float steps per super-block fold both into one float per row: the twin's
// bits (scaling by 16 is exact), 8 rows per instruction.

// The scales of the 4 groups of one half and parity (groups 8h + 2run +
// parity: chunks 4 parity..+3 of the half) of 8 rows as int16 pairs
// (scale_r, scale_r) in lane r, premultiplied for the in-place fields:
// run[run]. Byte q = 4h + 2run + parity holds s_a << 4 | s_a+4 of
// a = 8h + 2run + parity (runs 0, 1; the low nibble: runs 2, 3). Four vectors
// at a time keep the AVX2 build's 16 registers from spilling.
struct Q2KScales {
    __m256i run[4];
    Q2KScales(const uint8_t* scales, int h, int parity) {
        const __m256i r0 = q4_k_scale_pairs(scales + 8 * (4 * h + parity));
        const __m256i r1 = q4_k_scale_pairs(scales + 8 * (4 * h + 2 + parity));
        const __m256i low = _mm256_set1_epi16(0x0F);
        run[0] = _mm256_and_si256(r0, _mm256_set1_epi16(0xF0));                      // run 0: x16
        run[1] = _mm256_and_si256(_mm256_srli_epi16(r1, 2), _mm256_set1_epi16(0x3C));  // run 1: x4
        run[2] = _mm256_and_si256(r0, low);                                           // runs 2, 3: x1
        run[3] = _mm256_and_si256(r1, low);
    }
};

// The super-block's sum of m_g * bsum_g for the 8 rows (int32 lane r): min
// byte 16p + 2r + e holds m_2p+e (low nibble) and m_2p+8+e (high), so each
// 16-byte run, widened, is the rows' int16 pairs for bsums 2p, 2p+1 and 2p+8, 2p+9.
inline __m256i q2k_min_sums(const BlockQ2_Kx8& blk, const BlockQ8_K& y) {
    __m256i sum = _mm256_setzero_si256();
#pragma GCC unroll 4
    for (int p = 0; p < 4; ++p) {
        const __m256i m = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.mins + 16 * p)));
        int32_t low_pair, high_pair;
        std::memcpy(&low_pair, y.bsums + 2 * p, 4);
        std::memcpy(&high_pair, y.bsums + 2 * p + 8, 4);
        sum = madd_acc(sum, _mm256_and_si256(m, _mm256_set1_epi16(0x0F)), _mm256_set1_epi32(low_pair));
        sum = madd_acc(sum, _mm256_srli_epi16(m, 4), _mm256_set1_epi32(high_pair));
    }
    return sum;
}

// acc + d_a * dw * isum - d_a * dm * msum: a super-block's two float steps
// for 8 rows (dw already carries the kernel's power-of-two factor).
inline __m256 q2k_accumulate(__m256 acc, __m256i isum, __m256i msum, const BlockQ8_K& y, __m256 dw, __m256 dm) {
    const __m256 da = _mm256_broadcast_ss(&y.d);
    acc = _mm256_fmadd_ps(_mm256_mul_ps(da, dw), _mm256_cvtepi32_ps(isum), acc);
    return _mm256_fnmadd_ps(_mm256_mul_ps(da, dm), _mm256_cvtepi32_ps(msum), acc);
}

// The 4 chunks of one half and parity (4 groups of 16 weights per row, one
// per run) against C activations into isum, with fewer multiplies: a run's
// int16 pair sums of several chunks are added in int16 before the one
// vpmaddwd by its scale. The fields in place are at most 3, 12, 48, 48 (runs
// 0..3), so a pair sum is at most 2 * 48 * 128 = 12288 in size: all 4 chunks
// of runs 0 and 1 (<= 12288) and 2 chunks of runs 2 and 3 (<= 24576) fit in
// int16 — the same integers as one vpmaddwd per chunk, 22 multiplies instead
// of 32 per activation (the AVX2 build's bound on Zen 3 and Alder Lake in
// llvm-mca). Run by run, the chunks loaded again for each (loads are not the
// bound; holding them spilled). a[t] points at activation byte
// 128h + 16 parity: chunk l's run r is at 32r + 4l.
template <int C>
inline void q2k_group_sums(__m256i (&isum)[C], const uint8_t* qs, const int8_t* const (&a)[C], const Q2KScales& scale) {
#pragma GCC unroll 4
    for (int run = 0; run < 4; ++run) {
        __m256i part[C];
#pragma GCC unroll 4
        for (int l = 0; l < 4; ++l) {
            const __m256i v = crumbs_in_place(load32(qs + 32 * l), run);
            for (int t = 0; t < C; ++t) {
                const __m256i m = _mm256_maddubs_epi16(v, bcast4(a[t] + 32 * run + 4 * l));
                part[t] = l == 0 || (run >= 2 && l == 2) ? m : _mm256_add_epi16(part[t], m);
                if (l % 2 == 1 && (run >= 2 || l == 3)) {  // runs 2, 3: every 2 chunks; runs 0, 1: all 4
                    isum[t] = madd_acc(isum[t], part[t], scale.run[run]);
                    keep_sum(isum[t]);
                }
            }
        }
    }
}

template <int C>
void gemmc_q2_k_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ2_Kx8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    __m256 acc[C];
    for (int t = 0; t < C; ++t) acc[t] = _mm256_setzero_ps();
    const int64_t nb = cols / QK_K;
    for (int64_t b = 0; b < nb; ++b) {
        const BlockQ2_Kx8& blk = w[b];
        prefetch_lines_ahead(blk);
        __m256i isum[C];
        for (int t = 0; t < C; ++t) isum[t] = _mm256_setzero_si256();
#pragma GCC unroll 2
        for (int parity = 0; parity < 2; ++parity)
#pragma GCC unroll 2
            for (int h = 0; h < 2; ++h) {
                const Q2KScales scale(blk.scales, h, parity);
                const int8_t* a[C];
                for (int t = 0; t < C; ++t) a[t] = y[t][b].qs + 128 * h + 16 * parity;
                q2k_group_sums(isum, blk.qs + 32 * (8 * h + 4 * parity), a, scale);
            }
        const __m256 dw = _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.d))),
                                        _mm256_set1_ps(1.f / 16));
        const __m256 dm = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.dmin)));
        for (int t = 0; t < C; ++t) acc[t] = q2k_accumulate(acc[t], isum[t], q2k_min_sums(blk, y[t][b]), y[t][b], dw, dm);
    }
    for (int t = 0; t < C; ++t) _mm256_storeu_ps(out + t * ldo, acc[t]);
}

void gemm_q2_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q2_k_x8<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q2_k_x8<1>(cols, packed, acts + c, out + c * ldo, ldo);
}
