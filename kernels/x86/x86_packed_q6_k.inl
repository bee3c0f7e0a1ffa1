// Packed Q6_K (BlockQ6_Kx8, part of the x86 kernel body): the 8 int32 lanes
// hold the 8 rows. Triple 2l + h of a super-block holds weights 4l..4l+3 of
// runs 4h..4h+3 of every row: each run's values (0..63) meet the broadcast
// activation bytes 32j + 4l.. as 16-bit pair sums minus 32 times the
// activations' pair sums (the reference's -32, in the same int16 sums), times
// the rows' scale of group 2j + l / 4: what lane l of the reference's per-row
// kernel adds. So the packed kernel keeps one int32 and one float accumulator
// per lane and reduces them with the reference's tree at the end
// (ref::gemm_q6_k_x8): the per-row kernel's bits, 8 rows per instruction.

// Scale bytes of one group (8 rows, signed) -> int16 pairs (scale_r, scale_r)
// in lane r: each byte lands in the high byte of both halves, then an
// arithmetic shift sign-extends it.
inline __m256i q6_k_scale_pairs(const int8_t* scales8) {
    const __m256i dup = _mm256_setr_epi8(-1, 0, -1, 0, -1, 1, -1, 1, -1, 2, -1, 2, -1, 3, -1, 3,  //
                                         -1, 4, -1, 4, -1, 5, -1, 5, -1, 6, -1, 6, -1, 7, -1, 7);
    int64_t bytes;
    std::memcpy(&bytes, scales8, 8);
    return _mm256_srai_epi16(_mm256_shuffle_epi8(_mm256_set1_epi64x(bytes), dup), 8);
}

template <int C>
void gemmc_q6_k_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ6_Kx8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const __m256i low6 = _mm256_set1_epi8(0x3F), top2 = _mm256_set1_epi8(char(0xC0)), k32 = _mm256_set1_epi8(32);
    __m256 acc[C][8];
    for (int t = 0; t < C; ++t)
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm256_setzero_ps();
    const int64_t nb = cols / QK_K;
    for (int64_t b = 0; b < nb; ++b) {
        const BlockQ6_Kx8& blk = w[b];
        prefetch_lines_ahead(blk);
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.d)));
        __m256 dd[C];
        for (int t = 0; t < C; ++t) dd[t] = _mm256_mul_ps(_mm256_broadcast_ss(&y[t][b].d), dw);
#pragma GCC unroll 2
        for (int half = 0; half < 2; ++half) {  // lanes 0..3 use the even groups' scales, 4..7 the odd ones
            __m256i scale[8];                      // run j's: group 2j + half
            for (int j = 0; j < 8; ++j) scale[j] = q6_k_scale_pairs(blk.scales + 8 * (2 * j + half));
#pragma GCC unroll 4
            for (int l = 4 * half; l < 4 * half + 4; ++l) {  // lane l of the reference: weights 4l..4l+3 of every run
                __m256i lane[C];
                for (int t = 0; t < C; ++t) lane[t] = _mm256_setzero_si256();
#pragma GCC unroll 2
                for (int h = 0; h < 2; ++h) {
                    const uint8_t* q = blk.qs + 96 * (2 * l + h);
                    const __m256i c0 = load32_once(q), c1 = load32_once(q + 32), c2 = load32_once(q + 64);
                    // Run 4h + 3's value: bits 6-7 of the three chunks, masked before
                    // the 16-bit shifts so no bits cross into the next byte.
                    const __m256i v3 = _mm256_or_si256(
                        _mm256_or_si256(_mm256_srli_epi16(_mm256_and_si256(c0, top2), 6),
                                        _mm256_srli_epi16(_mm256_and_si256(c1, top2), 4)),
                        _mm256_srli_epi16(_mm256_and_si256(c2, top2), 2));
                    const __m256i v[4] = {_mm256_and_si256(c0, low6), _mm256_and_si256(c1, low6),
                                          _mm256_and_si256(c2, low6), v3};
                    for (int c = 0; c < 4; ++c)
                        for (int t = 0; t < C; ++t) {
                            const int j = 4 * h + c;
                            const __m256i a = bcast4(y[t][b].qs + 32 * j + 4 * l);
                            const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(v[c], a), _mm256_maddubs_epi16(k32, a));
                            lane[t] = madd_acc(lane[t], p, scale[j]);
                        }
                }
                for (int t = 0; t < C; ++t) acc[t][l] = _mm256_fmadd_ps(dd[t], _mm256_cvtepi32_ps(lane[t]), acc[t][l]);
            }
        }
    }
    for (int t = 0; t < C; ++t) _mm256_storeu_ps(out + t * ldo, sum8_halving(acc[t]));
}

void gemm_q6_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q6_k_x8<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q6_k_x8<1>(cols, packed, acts + c, out + c * ldo, ldo);
}
