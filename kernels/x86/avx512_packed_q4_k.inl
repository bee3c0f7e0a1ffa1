// Packed Q4_K on 16 rows at once (part of the AVX-512 kernel body): two
// adjacent 8-row groups of one column tile side by side in 512-bit registers,
// group g in int32 lanes 0-7 and group g + 1 in lanes 8-15, as the 16-row
// Q4_0 kernel (avx512_packed_q4_0.inl, which says why: a prompt's GEMM is
// bound by its multiply-add instructions, and a full-width 512-bit core does
// twice the work per instruction). ops::matmul uses it for 4 tokens or more.
//
// Per lane the arithmetic is gemmc_k4_x8's for Q4_K (x86_packed_kquants.inl):
// the reference's lanes of 16-bit pair sums times the sub-block scale, one
// int32 and one float accumulator per lane, the mins in four float lanes, the
// same reduction tree at the end. Every operation stays inside a 32-bit lane
// (the broadcasts aside), so each row gets the same bits as from the 8-row kernel.

namespace {

// load_pair, load8_pair, load16_pair and cvtph16: avx512_packed_q4_0.inl.

// Scale bytes of one sub-block for both groups (8 bytes each) -> int16 pairs
// (scale_r, scale_r) in int32 lane r (group 0) and 8 + r (group 1).
inline __m512i q4_k_scale_pairs16(const uint8_t* scales0, const uint8_t* scales1) {
    const __m512i s = _mm512_cvtepu8_epi32(load8_pair(scales0, scales1));
    return _mm512_or_si512(s, _mm512_slli_epi32(s, 16));
}

template <int C>
void gemmc_q4_k_x16(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const int64_t nb = cols / QK_K;
    const auto* w0 = static_cast<const BlockQ4_Kx8*>(packed);
    const BlockQ4_Kx8* w1 = w0 + nb;  // the next group of the same tile
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const __m512i mask = _mm512_set1_epi8(0x0F);
    __m512 acc[C][8], acc_min[C][4];
    for (int t = 0; t < C; ++t) {
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm512_setzero_ps();
        for (int k = 0; k < 4; ++k) acc_min[t][k] = _mm512_setzero_ps();
    }
    for (int64_t b = 0; b < nb; ++b) {
        const BlockQ4_Kx8& b0 = w0[b];
        const BlockQ4_Kx8& b1 = w1[b];
        prefetch_lines_ahead(b0);
        prefetch_lines_ahead(b1);
        __m512i scale[8];
        for (int s = 0; s < 8; ++s) scale[s] = q4_k_scale_pairs16(b0.scales + 8 * s, b1.scales + 8 * s);
        const __m512 dw = cvtph16(b0.d, b1.d), dm = cvtph16(b0.dmin, b1.dmin);
        __m512 dd[C];
        for (int t = 0; t < C; ++t) dd[t] = _mm512_mul_ps(_mm512_set1_ps(y[t][b].d), dw);
        // Lane l of the reference: weights 4l..4l+3 of every sub-block (lane by lane, as the
        // 8-row kernel walks with 4 activations: one lane's sums live at a time).
#pragma GCC unroll 8
        for (int l = 0; l < 8; ++l) {
            __m512i lane[C];
            for (int t = 0; t < C; ++t) lane[t] = _mm512_setzero_si512();
#pragma GCC unroll 4
            for (int k = 0; k < 4; ++k) {
                const __m512i q = load_pair(b0.qs + 32 * (8 * k + l), b1.qs + 32 * (8 * k + l));
                const __m512i lo = _mm512_and_si512(q, mask), hi = _mm512_and_si512(_mm512_srli_epi16(q, 4), mask);
                for (int t = 0; t < C; ++t) {
                    const int8_t* a = y[t][b].qs + 64 * k + 4 * l;
                    int32_t a_lo, a_hi;
                    std::memcpy(&a_lo, a, 4);
                    std::memcpy(&a_hi, a + 32, 4);
                    lane[t] = madd_acc512(lane[t], _mm512_maddubs_epi16(lo, _mm512_set1_epi32(a_lo)), scale[2 * k]);
                    lane[t] = madd_acc512(lane[t], _mm512_maddubs_epi16(hi, _mm512_set1_epi32(a_hi)), scale[2 * k + 1]);
                }
            }
            for (int t = 0; t < C; ++t) acc[t][l] = _mm512_fmadd_ps(dd[t], _mm512_cvtepi32_ps(lane[t]), acc[t][l]);
        }
        // Mins: lane k of the reference is m_2k * S_2k + m_2k+1 * S_2k+1, S_s the
        // activations' sum over sub-block s.
        for (int t = 0; t < C; ++t) {
            const __m128i sub_sums = _mm_hadd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(y[t][b].bsums)),
                                                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(y[t][b].bsums + 8)));
            const __m512i all = _mm512_broadcast_i32x4(sub_sums);
            const __m512i pair[4] = {_mm512_shuffle_epi32(all, _MM_PERM_AAAA), _mm512_shuffle_epi32(all, _MM_PERM_BBBB),
                                     _mm512_shuffle_epi32(all, _MM_PERM_CCCC), _mm512_shuffle_epi32(all, _MM_PERM_DDDD)};
            const __m512 neg_dm = _mm512_castsi512_ps(_mm512_xor_si512(
                _mm512_castps_si512(_mm512_mul_ps(_mm512_set1_ps(y[t][b].d), dm)), _mm512_set1_epi32(int32_t(0x80000000u))));
            for (int k = 0; k < 4; ++k) {
                const __m512i mins = _mm512_cvtepu8_epi16(load16_pair(b0.mins + 16 * k, b1.mins + 16 * k));
                const __m512i ml = _mm512_madd_epi16(mins, pair[k]);
                acc_min[t][k] = _mm512_fmadd_ps(neg_dm, _mm512_cvtepi32_ps(ml), acc_min[t][k]);
            }
        }
    }
    for (int t = 0; t < C; ++t) {
        const auto add = [](__m512 x, __m512 y) { return _mm512_add_ps(x, y); };
        const __m512 mins = add(add(acc_min[t][0], acc_min[t][2]), add(acc_min[t][1], acc_min[t][3]));
        _mm512_storeu_ps(out + t * ldo, add(sum8_halving(acc[t]), mins));
    }
}

void gemm_q4_k_x16(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                   float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q4_k_x16<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q4_k_x16<1>(cols, packed, acts + c, out + c * ldo, ldo);
}

}  // namespace
