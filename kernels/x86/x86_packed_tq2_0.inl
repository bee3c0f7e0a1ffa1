// Packed TQ2_0 (BlockTQ2_0x8, part of the x86 kernel body): the 8 int32 lanes
// hold the 8 rows. Chunk 8h + l of a block holds 4 quant bytes of each row,
// and its 4 runs of 2-bit fields against activation bytes 128h + 32run + 4l..
// (broadcast) are what lane l of the per-row kernel (dotc_tq2_0) adds. So the
// packed kernel keeps one float accumulator per lane, 4 x the lane's integer
// sum as the per-row kernel forms it, and that kernel's tree at the end
// (ref::gemm_tq2_0_x8): the per-row kernel's bits, 8 rows per instruction,
// without its per-row reduction, and each activation load serving 8 rows.
//
// Runs 1 and 3 stay in place (bits 2-3: times 4), runs 0 and 2 are times 1
// and get the 4 after their sum (once per lane and block in the lane-by-lane
// walk, once per half in the front-to-back walk). With vpdpbusd
// (kDotTakesFullBytes) the sums go straight into int32; without it maddubs
// gives int16 pairs, and a lane's whole block (so every partial sum) fits in
// int16, so one madd per lane widens it: a pair sum is 4 x 4 pairs of fields
// <= 3 plus 4 pairs of fields <= 12, times |a| <= 128: |sum| <= 24576 < 2^15,
// even for the field value 3 that no quantizer writes.

template <int C>
void gemmc_tq2_0_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockTQ2_0x8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const __m256i field0 = _mm256_set1_epi8(0x03), field1 = _mm256_set1_epi8(0x0C);
    __m256 acc[C][8];
    for (int t = 0; t < C; ++t)
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm256_setzero_ps();
    for (int64_t b = 0; b < cols / QK_K; ++b) {
        const BlockTQ2_0x8& blk = w[b];
        prefetch_lines_ahead(blk);
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.d)));
        // Per activation: d_a * d_w * 1/4 (the per-row kernel's order), and
        // lane l's -1s: -4 (bsums[2l] + bsums[2l + 1]).
        __m256 scale[C];
        alignas(32) int32_t minus[C][8];
        for (int t = 0; t < C; ++t) {
            scale[t] = _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(y[t][b].d), dw), _mm256_set1_ps(0.25f));
            _mm256_store_si256(reinterpret_cast<__m256i*>(minus[t]), _mm256_madd_epi16(load_bsums(y[t][b]), _mm256_set1_epi16(-4)));
        }
        // Lane l's sum over both halves: 4 x (runs 0 and 2) + (runs 1 and 3),
        // in int32 with vpdpbusd (starting from the -1s), else in int16 pairs.
        // Two sums per lane (times4 in lane, times1 in ones), shifted once per
        // lane and block; but the front-to-back walk (AVX-512 only) has 8 lanes
        // live at once, so it folds each half into one sum per lane instead (a
        // shift per half; same integers either way).
        constexpr bool kFoldPerHalf = kDotTakesFullBytes && kWalkFrontToBack<C>;
        __m256i lane[8][C], ones[8][C];
        for (int l = 0; l < 8; ++l)
            for (int t = 0; t < C; ++t) {
                lane[l][t] = kDotTakesFullBytes ? _mm256_set1_epi32(minus[t][l]) : _mm256_setzero_si256();
                ones[l][t] = _mm256_setzero_si256();
            }
        const auto step = [&](int h, int l) {
            const __m256i q = load32_once(blk.qs + 32 * (8 * h + l));
            const __m256i q_hi = _mm256_srli_epi16(q, 4);
            const __m256i v[4] = {_mm256_and_si256(q, field0), _mm256_and_si256(q, field1), _mm256_and_si256(q_hi, field0),
                                  _mm256_and_si256(q_hi, field1)};
            for (int t = 0; t < C; ++t) {
                const int8_t* a = y[t][b].qs + 128 * h + 4 * l;
                if constexpr (kDotTakesFullBytes) {
                    const __m256i from1 = kFoldPerHalf ? _mm256_setzero_si256() : ones[l][t];
                    const __m256i times1 = dot_u8s8_acc_bcast4(dot_u8s8_acc_bcast4(from1, v[0], a), v[2], a + 64);
                    const __m256i times4 = dot_u8s8_acc_bcast4(dot_u8s8_acc_bcast4(lane[l][t], v[1], a + 32), v[3], a + 96);
                    if constexpr (kFoldPerHalf) lane[l][t] = _mm256_add_epi32(_mm256_slli_epi32(times1, 2), times4);
                    else ones[l][t] = times1, lane[l][t] = times4;
                } else {
                    const __m256i times1 = _mm256_add_epi16(_mm256_maddubs_epi16(v[0], bcast4(a)), _mm256_maddubs_epi16(v[2], bcast4(a + 64)));
                    const __m256i times4 = _mm256_add_epi16(_mm256_maddubs_epi16(v[1], bcast4(a + 32)), _mm256_maddubs_epi16(v[3], bcast4(a + 96)));
                    ones[l][t] = _mm256_add_epi16(ones[l][t], times1);
                    lane[l][t] = _mm256_add_epi16(lane[l][t], times4);
                }
            }
        };
        const auto finish = [&](int l) {
            for (int t = 0; t < C; ++t) {
                __m256i lane4 = lane[l][t];
                if constexpr (!kFoldPerHalf)
                    lane4 = kDotTakesFullBytes ? _mm256_add_epi32(_mm256_slli_epi32(ones[l][t], 2), lane4)
                                               : _mm256_add_epi16(_mm256_slli_epi16(ones[l][t], 2), lane4);
                if constexpr (!kDotTakesFullBytes)
                    lane4 = _mm256_add_epi32(_mm256_madd_epi16(lane4, _mm256_set1_epi16(1)), _mm256_set1_epi32(minus[t][l]));
                acc[t][l] = _mm256_fmadd_ps(scale[t], _mm256_cvtepi32_ps(lane4), acc[t][l]);
            }
        };
        walk_lanes<kWalkFrontToBack<C>, 2>(step, finish);
    }
    for (int t = 0; t < C; ++t) _mm256_storeu_ps(out + t * ldo, sum8_halving(acc[t]));
}

void gemm_tq2_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                   float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_tq2_0_x8<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_tq2_0_x8<1>(cols, packed, acts + c, out + c * ldo, ldo);
}
