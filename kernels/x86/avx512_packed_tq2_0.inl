// Packed TQ2_0 on 16 rows at once (part of the AVX-512 kernel body): two
// adjacent 8-row groups of one column tile side by side in 512-bit registers,
// group g in int32 lanes 0-7 and group g + 1 in lanes 8-15, as the 16-row
// Q4_0 kernel (avx512_packed_q4_0.inl, which says why: a prompt's GEMM is
// bound by its multiply-add instructions, and a full-width 512-bit core does
// twice the work per instruction). ops::matmul uses it for 4 tokens or more.
//
// Per lane the arithmetic is gemmc_tq2_0_x8's with vpdpbusd
// (x86_packed_tq2_0.inl): lane l of the per-row kernel is one exact int32,
// 4 x (runs 0 and 2) + (runs 1 and 3) - 4 (bsums[2l] + bsums[2l + 1]), then
// one float FMA per lane and block by d_a * d_w / 4, and the per-row kernel's
// halving tree at the end. Every operation stays inside a 32-bit lane (the
// broadcasts aside), so each row gets the 8-row kernel's bits.

namespace {

// load_pair and cvtph16: avx512_packed_q4_0.inl; load_bsums: x86_dot_kquants.inl.

template <int C>
void gemmc_tq2_0_x16(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const int64_t nb = cols / QK_K;
    const auto* w0 = static_cast<const BlockTQ2_0x8*>(packed);
    const BlockTQ2_0x8* w1 = w0 + nb;  // the next group of the same tile
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const __m512i field0 = _mm512_set1_epi8(0x03), field1 = _mm512_set1_epi8(0x0C);
    __m512 acc[C][8];
    for (int t = 0; t < C; ++t)
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        const BlockTQ2_0x8& b0 = w0[b];
        const BlockTQ2_0x8& b1 = w1[b];
        prefetch_lines_ahead(b0);
        prefetch_lines_ahead(b1);
        const __m512 dw = cvtph16(b0.d, b1.d);
        __m512 scale[C];
        alignas(32) int32_t minus[C][8];  // lane l's -1s: -4 (bsums[2l] + bsums[2l + 1])
        for (int t = 0; t < C; ++t) {
            scale[t] = _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(y[t][b].d), dw), _mm512_set1_ps(0.25f));
            _mm256_store_si256(reinterpret_cast<__m256i*>(minus[t]), _mm256_madd_epi16(load_bsums(y[t][b]), _mm256_set1_epi16(-4)));
        }
        // Lane by lane (one lane's sums live at a time, as in the 8-row kernel with 4 activations).
#pragma GCC unroll 8
        for (int l = 0; l < 8; ++l) {
            __m512i times4[C], times1[C];
            for (int t = 0; t < C; ++t) {
                times4[t] = _mm512_set1_epi32(minus[t][l]);
                times1[t] = _mm512_setzero_si512();
            }
#pragma GCC unroll 2
            for (int h = 0; h < 2; ++h) {
                const __m512i q = load_pair(b0.qs + 32 * (8 * h + l), b1.qs + 32 * (8 * h + l));
                const __m512i q_hi = _mm512_srli_epi16(q, 4);
                const __m512i v0 = _mm512_and_si512(q, field0), v1 = _mm512_and_si512(q, field1);
                const __m512i v2 = _mm512_and_si512(q_hi, field0), v3 = _mm512_and_si512(q_hi, field1);
                for (int t = 0; t < C; ++t) {
                    const int8_t* a = y[t][b].qs + 128 * h + 4 * l;
                    times1[t] = dot_u8s8_acc_bcast4_512(dot_u8s8_acc_bcast4_512(times1[t], v0, a), v2, a + 64);
                    times4[t] = dot_u8s8_acc_bcast4_512(dot_u8s8_acc_bcast4_512(times4[t], v1, a + 32), v3, a + 96);
                }
            }
            for (int t = 0; t < C; ++t) {
                const __m512i lane4 = _mm512_add_epi32(_mm512_slli_epi32(times1[t], 2), times4[t]);
                acc[t][l] = _mm512_fmadd_ps(scale[t], _mm512_cvtepi32_ps(lane4), acc[t][l]);
            }
        }
    }
    for (int t = 0; t < C; ++t) _mm512_storeu_ps(out + t * ldo, sum8_halving(acc[t]));
}

void gemm_tq2_0_x16(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                    float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_tq2_0_x16<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_tq2_0_x16<1>(cols, packed, acts + c, out + c * ldo, ldo);
}

}  // namespace
