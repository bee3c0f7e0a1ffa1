// Packed Q6_K on 16 rows at once (part of the AVX-512 kernel body): two
// adjacent 8-row groups of one column tile side by side in 512-bit registers,
// group g in int32 lanes 0-7 and group g + 1 in lanes 8-15, as the 16-row
// Q4_0 kernel (avx512_packed_q4_0.inl, which says why: a prompt's GEMM is
// bound by its multiply-add instructions, and a full-width 512-bit core does
// twice the work per instruction). ops::matmul uses it for 4 tokens or more.
//
// Per lane the arithmetic is gemmc_q6_k_x8's (x86_packed_q6_k.inl): 16-bit
// pair sums of the 6-bit values minus 32 times the activations' pair sums,
// times the group's scale into one int32 per lane, one float FMA per lane and
// half super-block, the reference's halving tree at the end. Every operation
// stays inside a 32-bit lane (the broadcasts aside), so each row gets the
// 8-row kernel's bits.

namespace {

// load_pair, load8_pair and cvtph16: avx512_packed_q4_0.inl; madd_acc512: avx512_kquant_sums.inl.

// Scale bytes of one group for both 8-row groups (signed) -> int16 pairs
// (scale_r, scale_r) in int32 lane r (group 0) and 8 + r (group 1).
inline __m512i q6_k_scale_pairs16(const int8_t* scales0, const int8_t* scales1) {
    const __m512i s = _mm512_cvtepu16_epi32(_mm256_cvtepi8_epi16(load8_pair(scales0, scales1)));  // s in the low half
    return _mm512_or_si512(s, _mm512_slli_epi32(s, 16));
}

template <int C>
void gemmc_q6_k_x16(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const int64_t nb = cols / QK_K;
    const auto* w0 = static_cast<const BlockQ6_Kx8*>(packed);
    const BlockQ6_Kx8* w1 = w0 + nb;  // the next group of the same tile
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const __m512i low6 = _mm512_set1_epi8(0x3F), top2 = _mm512_set1_epi8(char(0xC0)), k32 = _mm512_set1_epi8(32);
    __m512 acc[C][8];
    for (int t = 0; t < C; ++t)
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        const BlockQ6_Kx8& b0 = w0[b];
        const BlockQ6_Kx8& b1 = w1[b];
        prefetch_lines_ahead(b0);
        prefetch_lines_ahead(b1);
        const __m512 dw = cvtph16(b0.d, b1.d);
        __m512 dd[C];
        for (int t = 0; t < C; ++t) dd[t] = _mm512_mul_ps(_mm512_set1_ps(y[t][b].d), dw);
#pragma GCC unroll 2
        for (int half = 0; half < 2; ++half) {  // lanes 0..3 use the even groups' scales, 4..7 the odd ones
            __m512i scale[8];                      // run j's: group 2j + half
            for (int j = 0; j < 8; ++j)
                scale[j] = q6_k_scale_pairs16(b0.scales + 8 * (2 * j + half), b1.scales + 8 * (2 * j + half));
#pragma GCC unroll 4
            for (int l = 4 * half; l < 4 * half + 4; ++l) {  // lane l of the reference: weights 4l..4l+3 of every run
                __m512i lane[C];
                for (int t = 0; t < C; ++t) lane[t] = _mm512_setzero_si512();
#pragma GCC unroll 2
                for (int h = 0; h < 2; ++h) {
                    const size_t at = size_t(96 * (2 * l + h));
                    const __m512i c0 = load_pair(b0.qs + at, b1.qs + at), c1 = load_pair(b0.qs + at + 32, b1.qs + at + 32),
                                  c2 = load_pair(b0.qs + at + 64, b1.qs + at + 64);
                    // Run 4h + 3's value: bits 6-7 of the three chunks, masked before
                    // the 16-bit shifts so no bits cross into the next byte.
                    const __m512i v3 = _mm512_or_si512(
                        _mm512_or_si512(_mm512_srli_epi16(_mm512_and_si512(c0, top2), 6),
                                        _mm512_srli_epi16(_mm512_and_si512(c1, top2), 4)),
                        _mm512_srli_epi16(_mm512_and_si512(c2, top2), 2));
                    const __m512i v[4] = {_mm512_and_si512(c0, low6), _mm512_and_si512(c1, low6),
                                          _mm512_and_si512(c2, low6), v3};
                    for (int c = 0; c < 4; ++c)
                        for (int t = 0; t < C; ++t) {
                            const int j = 4 * h + c;
                            int32_t a4;
                            std::memcpy(&a4, y[t][b].qs + 32 * j + 4 * l, 4);
                            const __m512i a = _mm512_set1_epi32(a4);
                            const __m512i p = _mm512_sub_epi16(_mm512_maddubs_epi16(v[c], a), _mm512_maddubs_epi16(k32, a));
                            lane[t] = madd_acc512(lane[t], p, scale[j]);
                        }
                }
                for (int t = 0; t < C; ++t) acc[t][l] = _mm512_fmadd_ps(dd[t], _mm512_cvtepi32_ps(lane[t]), acc[t][l]);
            }
        }
    }
    for (int t = 0; t < C; ++t) _mm512_storeu_ps(out + t * ldo, sum8_halving(acc[t]));
}

void gemm_q6_k_x16(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                   float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q6_k_x16<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q6_k_x16<1>(cols, packed, acts + c, out + c * ldo, ldo);
}

}  // namespace
