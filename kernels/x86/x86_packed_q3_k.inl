// Packed Q3_K (BlockQ3_Kx8, part of the x86 kernel body): the 8 int32 lanes
// hold the 8 rows. Triple l of a super-block holds weights 4l..4l+3 of all 8
// runs of every row: runs 0-5 come out of their chunk with one AND, in place
// (times 1 or 8), runs 6 and 7 with a few shifts (times 16); the rows' scales,
// premultiplied to make every run 16x its true products (16, 2, 16, 2, 16, 2,
// 1, 1), multiply the int16 pair sums with the broadcast activation bytes
// 32j + 4l... Each lane starts from -64 x (scale_2l * bsum_2l + scale_2l+1 *
// bsum_2l+1), the -4 of every weight as the per-row kernel takes it. So lane l
// of each row holds the integer of lane l of the per-row kernel (dotc_q3_k),
// and one float accumulator per lane and the halving tree at the end give its
// bits (ref::gemm_q3_k_x8), 8 rows per instruction.

// Row r's scale of group 2j + E (E = 0, 1) as the int16 pair (s, s) in lane
// r, times 2^kLog2: the byte lands in the high half of each int16 (low half
// zero), so one arithmetic shift right by 8 - kLog2 sign-extends and multiplies.
template <int E, int kLog2>
inline __m256i q3_k_scale_pairs(const int8_t* pair16) {
    const __m256i pick = _mm256_setr_epi8(-1, E, -1, E, -1, 2 + E, -1, 2 + E, -1, 4 + E, -1, 4 + E, -1, 6 + E, -1, 6 + E,
                                          -1, 8 + E, -1, 8 + E, -1, 10 + E, -1, 10 + E, -1, 12 + E, -1, 12 + E, -1,
                                          14 + E, -1, 14 + E);
    const __m256i bytes = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(pair16)));
    return _mm256_srai_epi16(_mm256_shuffle_epi8(bytes, pick), 8 - kLog2);
}

// Run j's scale pairs for lanes with group parity E: x16 for runs 0, 2, 4;
// x2 for runs 1, 3, 5; x1 for runs 6 and 7.
template <int E>
inline void q3_k_run_scales(const int8_t* scales, __m256i (&s)[8]) {
    s[0] = q3_k_scale_pairs<E, 4>(scales);
    s[1] = q3_k_scale_pairs<E, 1>(scales + 16);
    s[2] = q3_k_scale_pairs<E, 4>(scales + 32);
    s[3] = q3_k_scale_pairs<E, 1>(scales + 48);
    s[4] = q3_k_scale_pairs<E, 4>(scales + 64);
    s[5] = q3_k_scale_pairs<E, 1>(scales + 80);
    s[6] = q3_k_scale_pairs<E, 0>(scales + 96);
    s[7] = q3_k_scale_pairs<E, 0>(scales + 112);
}

template <int C>
void gemmc_q3_k_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ3_Kx8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const __m256i low3 = _mm256_set1_epi8(0x07), mid3 = _mm256_set1_epi8(0x38), top2 = _mm256_set1_epi8(char(0xC0));
    const __m256i bit6 = _mm256_set1_epi8(0x40), bit7 = _mm256_set1_epi8(char(0x80)), minus64 = _mm256_set1_epi16(-64);
    __m256 acc[C][8];
    for (int t = 0; t < C; ++t)
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm256_setzero_ps();
    const int64_t nb = cols / QK_K;
    for (int64_t b = 0; b < nb; ++b) {
        const BlockQ3_Kx8& blk = w[b];
        prefetch_lines_ahead(blk);
        const __m256 dw = _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.d))),
                                        _mm256_set1_ps(1.f / 16));
        __m256 dd[C];
        for (int t = 0; t < C; ++t) dd[t] = _mm256_mul_ps(_mm256_broadcast_ss(&y[t][b].d), dw);
#pragma GCC unroll 2
        for (int half = 0; half < 2; ++half) {  // lanes 0..3 use the even groups' scales, 4..7 the odd ones
            __m256i scale[8];
            if (half == 0)
                q3_k_run_scales<0>(blk.scales, scale);
            else
                q3_k_run_scales<1>(blk.scales, scale);
#pragma GCC unroll 4
            for (int l = 4 * half; l < 4 * half + 4; ++l) {  // lane l of the reference: weights 4l..4l+3 of every run
                // -64 x the scales of groups 2l and 2l + 1, paired per row, against bsums 2l and 2l + 1.
                const __m256i offset = _mm256_mullo_epi16(
                    _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.scales + 16 * l))), minus64);
                __m256i lane[C];
                for (int t = 0; t < C; ++t) {
                    int32_t bsum_pair;
                    std::memcpy(&bsum_pair, y[t][b].bsums + 2 * l, 4);
                    lane[t] = _mm256_madd_epi16(offset, _mm256_set1_epi32(bsum_pair));
                }
                const uint8_t* q = blk.qs + 96 * l;
                const __m256i c0 = load32_once(q), c1 = load32_once(q + 32), c2 = load32_once(q + 64);
                const __m256i v6 = _mm256_or_si256(_mm256_srli_epi16(_mm256_and_si256(c0, top2), 2), _mm256_and_si256(c1, bit6));
                const __m256i v7 = _mm256_or_si256(_mm256_srli_epi16(_mm256_and_si256(c1, bit7), 3),
                                                   _mm256_srli_epi16(_mm256_and_si256(c2, top2), 1));
                const __m256i v[8] = {_mm256_and_si256(c0, low3), _mm256_and_si256(c0, mid3), _mm256_and_si256(c1, low3),
                                      _mm256_and_si256(c1, mid3), _mm256_and_si256(c2, low3), _mm256_and_si256(c2, mid3),
                                      v6, v7};
                for (int j = 0; j < 8; ++j)
                    for (int t = 0; t < C; ++t)
                        lane[t] = madd_acc(lane[t], _mm256_maddubs_epi16(v[j], bcast4(y[t][b].qs + 32 * j + 4 * l)), scale[j]);
                for (int t = 0; t < C; ++t) acc[t][l] = _mm256_fmadd_ps(dd[t], _mm256_cvtepi32_ps(lane[t]), acc[t][l]);
            }
        }
    }
    for (int t = 0; t < C; ++t) _mm256_storeu_ps(out + t * ldo, sum8_halving(acc[t]));
}

void gemm_q3_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q3_k_x8<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q3_k_x8<1>(cols, packed, acts + c, out + c * ldo, ldo);
}
