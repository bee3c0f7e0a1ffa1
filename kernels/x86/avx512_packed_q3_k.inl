// Packed Q3_K on 16 rows at once (part of the AVX-512 kernel body): two
// adjacent 8-row groups of one column tile side by side in 512-bit registers,
// group g in int32 lanes 0-7 and group g + 1 in lanes 8-15, as the other
// 16-row kernels (avx512_packed_q4_0.inl says why). ops::matmul uses it for 4
// tokens or more.
//
// Per lane the arithmetic is gemmc_q3_k_x8's (x86_packed_q3_k.inl): the runs'
// 3-bit values in place, int16 pair sums with the broadcast activation bytes
// times the premultiplied scales, each lane started from -64 x the scales of
// groups 2l and 2l + 1 times their bsums, one float FMA per lane and
// super-block, the reference's halving tree at the end. Every operation stays
// inside a 32-bit lane (the broadcasts aside), so each row gets the 8-row
// kernel's bits.

namespace {

// load16_pair: avx512_packed_q4_0.inl; madd_acc512: avx512_kquant_sums.inl.

// Both groups' scale pairs of a group pair (16 bytes each: row r's two
// scales at 2r, 2r + 1) as int16: int32 lane i holds row i's pair (row i - 8
// of the second group from lane 8 on).
inline __m512i q3_k_pairs16(const int8_t* s0, const int8_t* s1) { return _mm512_cvtepi8_epi16(load16_pair(s0, s1)); }

// Scale E of each pair in both halves of its int32 lane, times 2^kLog2.
template <int E, int kLog2>
inline __m512i q3_k_scale_pairs16(const int8_t* s0, const int8_t* s1) {
    constexpr int b = 2 * E;  // the scale's low byte within its int32 lane
    const __m512i pick = _mm512_set4_epi32(((12 + b + 1) << 24) | ((12 + b) << 16) | ((12 + b + 1) << 8) | (12 + b),
                                           ((8 + b + 1) << 24) | ((8 + b) << 16) | ((8 + b + 1) << 8) | (8 + b),
                                           ((4 + b + 1) << 24) | ((4 + b) << 16) | ((4 + b + 1) << 8) | (4 + b),
                                           ((b + 1) << 24) | (b << 16) | ((b + 1) << 8) | b);
    return _mm512_slli_epi16(_mm512_shuffle_epi8(q3_k_pairs16(s0, s1), pick), kLog2);
}

// Run j's scales (x16, x2, x16, x2, x16, x2, x1, x1: see x86_packed_q3_k.inl).
template <int E>
inline void q3_k_run_scales16(const int8_t* s0, const int8_t* s1, __m512i (&s)[8]) {
    s[0] = q3_k_scale_pairs16<E, 4>(s0, s1);
    s[1] = q3_k_scale_pairs16<E, 1>(s0 + 16, s1 + 16);
    s[2] = q3_k_scale_pairs16<E, 4>(s0 + 32, s1 + 32);
    s[3] = q3_k_scale_pairs16<E, 1>(s0 + 48, s1 + 48);
    s[4] = q3_k_scale_pairs16<E, 4>(s0 + 64, s1 + 64);
    s[5] = q3_k_scale_pairs16<E, 1>(s0 + 80, s1 + 80);
    s[6] = q3_k_scale_pairs16<E, 0>(s0 + 96, s1 + 96);
    s[7] = q3_k_scale_pairs16<E, 0>(s0 + 112, s1 + 112);
}

template <int C>
void gemmc_q3_k_x16(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const int64_t nb = cols / QK_K;
    const auto* w0 = static_cast<const BlockQ3_Kx8*>(packed);
    const BlockQ3_Kx8* w1 = w0 + nb;  // the next group of the same tile
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const __m512i low3 = _mm512_set1_epi8(0x07), mid3 = _mm512_set1_epi8(0x38), top2 = _mm512_set1_epi8(char(0xC0));
    const __m512i bit6 = _mm512_set1_epi8(0x40), bit7 = _mm512_set1_epi8(char(0x80)), minus64 = _mm512_set1_epi16(-64);
    __m512 acc[C][8];
    for (int t = 0; t < C; ++t)
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        const BlockQ3_Kx8& b0 = w0[b];
        const BlockQ3_Kx8& b1 = w1[b];
        prefetch_lines_ahead(b0);
        prefetch_lines_ahead(b1);
        const __m512 dw = _mm512_mul_ps(cvtph16(b0.d, b1.d), _mm512_set1_ps(1.f / 16));
        __m512 dd[C];
        for (int t = 0; t < C; ++t) dd[t] = _mm512_mul_ps(_mm512_set1_ps(y[t][b].d), dw);
#pragma GCC unroll 2
        for (int half = 0; half < 2; ++half) {  // lanes 0..3 use the even groups' scales, 4..7 the odd ones
            __m512i scale[8];
            if (half == 0)
                q3_k_run_scales16<0>(b0.scales, b1.scales, scale);
            else
                q3_k_run_scales16<1>(b0.scales, b1.scales, scale);
#pragma GCC unroll 4
            for (int l = 4 * half; l < 4 * half + 4; ++l) {  // lane l of the reference: weights 4l..4l+3 of every run
                const __m512i offset = _mm512_mullo_epi16(q3_k_pairs16(b0.scales + 16 * l, b1.scales + 16 * l), minus64);
                __m512i lane[C];
                for (int t = 0; t < C; ++t) {
                    int32_t bsum_pair;
                    std::memcpy(&bsum_pair, y[t][b].bsums + 2 * l, 4);
                    lane[t] = _mm512_madd_epi16(offset, _mm512_set1_epi32(bsum_pair));
                }
                const size_t at = size_t(96 * l);
                const __m512i c0 = load_pair(b0.qs + at, b1.qs + at), c1 = load_pair(b0.qs + at + 32, b1.qs + at + 32),
                              c2 = load_pair(b0.qs + at + 64, b1.qs + at + 64);
                const __m512i v6 = _mm512_or_si512(_mm512_srli_epi16(_mm512_and_si512(c0, top2), 2), _mm512_and_si512(c1, bit6));
                const __m512i v7 = _mm512_or_si512(_mm512_srli_epi16(_mm512_and_si512(c1, bit7), 3),
                                                   _mm512_srli_epi16(_mm512_and_si512(c2, top2), 1));
                const __m512i v[8] = {_mm512_and_si512(c0, low3), _mm512_and_si512(c0, mid3), _mm512_and_si512(c1, low3),
                                      _mm512_and_si512(c1, mid3), _mm512_and_si512(c2, low3), _mm512_and_si512(c2, mid3),
                                      v6, v7};
                for (int j = 0; j < 8; ++j)
                    for (int t = 0; t < C; ++t) {
                        int32_t a4;
                        std::memcpy(&a4, y[t][b].qs + 32 * j + 4 * l, 4);
                        lane[t] = madd_acc512(lane[t], _mm512_maddubs_epi16(v[j], _mm512_set1_epi32(a4)), scale[j]);
                    }
                for (int t = 0; t < C; ++t) acc[t][l] = _mm512_fmadd_ps(dd[t], _mm512_cvtepi32_ps(lane[t]), acc[t][l]);
            }
        }
    }
    for (int t = 0; t < C; ++t) _mm512_storeu_ps(out + t * ldo, sum8_halving(acc[t]));
}

void gemm_q3_k_x16(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                   float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q3_k_x16<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q3_k_x16<1>(cols, packed, acts + c, out + c * ldo, ldo);
}

}  // namespace
