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
// and get the 4 after their sum. With vpdpbusd (kDotTakesFullBytes) the sums
// go straight into int32; without it maddubs gives int16 pairs, and a lane's
// whole block fits in int16, so one madd per lane widens it: a pair sum is 4 x
// 4 pairs of fields <= 3 plus 4 pairs of fields <= 12, times |a| <= 128:
// |sum| <= 24576 < 2^15, even for the field value 3 that no quantizer writes.

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
#pragma GCC unroll 8
        for (int l = 0; l < 8; ++l) {
            __m256i v[2][4];  // [h][run]
            for (int h = 0; h < 2; ++h) {
                const __m256i q = load32(blk.qs + 32 * (8 * h + l));
                const __m256i q_hi = _mm256_srli_epi16(q, 4);
                v[h][0] = _mm256_and_si256(q, field0);
                v[h][1] = _mm256_and_si256(q, field1);
                v[h][2] = _mm256_and_si256(q_hi, field0);
                v[h][3] = _mm256_and_si256(q_hi, field1);
            }
            for (int t = 0; t < C; ++t) {
                const int8_t* a = y[t][b].qs + 4 * l;
                __m256i lane4;
                if constexpr (kDotTakesFullBytes) {
                    __m256i times1 = _mm256_setzero_si256(), times4 = _mm256_set1_epi32(minus[t][l]);
                    for (int h = 0; h < 2; ++h) {
                        times1 = dot_u8s8_acc_bcast4(times1, v[h][0], a + 128 * h);
                        times4 = dot_u8s8_acc_bcast4(times4, v[h][1], a + 128 * h + 32);
                        times1 = dot_u8s8_acc_bcast4(times1, v[h][2], a + 128 * h + 64);
                        times4 = dot_u8s8_acc_bcast4(times4, v[h][3], a + 128 * h + 96);
                    }
                    lane4 = _mm256_add_epi32(_mm256_slli_epi32(times1, 2), times4);
                } else {
                    __m256i times1 = _mm256_setzero_si256(), times4 = _mm256_setzero_si256();
                    for (int h = 0; h < 2; ++h) {
                        times1 = _mm256_add_epi16(times1, _mm256_maddubs_epi16(v[h][0], bcast4(a + 128 * h)));
                        times4 = _mm256_add_epi16(times4, _mm256_maddubs_epi16(v[h][1], bcast4(a + 128 * h + 32)));
                        times1 = _mm256_add_epi16(times1, _mm256_maddubs_epi16(v[h][2], bcast4(a + 128 * h + 64)));
                        times4 = _mm256_add_epi16(times4, _mm256_maddubs_epi16(v[h][3], bcast4(a + 128 * h + 96)));
                    }
                    const __m256i pairs = _mm256_add_epi16(_mm256_slli_epi16(times1, 2), times4);
                    lane4 = _mm256_add_epi32(_mm256_madd_epi16(pairs, _mm256_set1_epi16(1)), _mm256_set1_epi32(minus[t][l]));
                }
                acc[t][l] = _mm256_fmadd_ps(scale[t], _mm256_cvtepi32_ps(lane4), acc[t][l]);
            }
        }
    }
    for (int t = 0; t < C; ++t) _mm256_storeu_ps(out + t * ldo, sum8_halving(acc[t]));
}

void gemm_tq2_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                   float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_tq2_0_x8<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_tq2_0_x8<1>(cols, packed, acts + c, out + c * ldo, ldo);
}
