// Packed Q8_0 on 16 rows at once (part of the AVX-512 kernel body): two
// adjacent 8-row groups of one column tile side by side in 512-bit registers,
// group g in int32 lanes 0-7 and group g + 1 in lanes 8-15, as the 16-row
// Q4_0 kernel (avx512_packed_q4_0.inl, which says why: a prompt's GEMM is
// bound by its multiply-add instructions, and a full-width 512-bit core does
// twice the work per instruction). ops::matmul uses it for 4 tokens or more.
//
// Per row the arithmetic is gemmc_q8_0_x8's (x86_packed.inl) with vpdpbusd:
// weights biased by 128 (xor 0x80) so they are unsigned bytes, the exact int32
// sums minus 128 * sum(a), then acc = fma(isum, d_w * d_a, acc) block by
// block. Every operation stays inside a 32-bit lane (the broadcasts aside), so
// each row gets the 8-row kernel's bits.

namespace {

// load_pair and cvtph16: avx512_packed_q4_0.inl.

template <int C>
void gemmc_q8_0_x16(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                    float* out, int64_t ldo) {
    const int64_t nb = cols / QK;
    const auto* w0 = static_cast<const BlockQ8_0x8*>(packed);
    const BlockQ8_0x8* w1 = w0 + nb;  // the next group of the same tile
    const BlockQ8_0* y[C];
    activation_blocks(acts, y);
    const __m512i bias = _mm512_set1_epi8(char(0x80));
    __m512 acc[C];
    for (int c = 0; c < C; ++c) acc[c] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        prefetch_ahead(w0, size_t(b) * sizeof(BlockQ8_0x8));
        prefetch_ahead(w1, size_t(b) * sizeof(BlockQ8_0x8));
        __m512i wu[8];  // 4 weights of each of the 16 rows per register, as unsigned bytes
        for (int k = 0; k < 8; ++k) wu[k] = _mm512_xor_si512(load_pair(w0[b].qs + 32 * k, w1[b].qs + 32 * k), bias);
        const __m512 dw = cvtph16(w0[b].d, w1[b].d);
        for (int c = 0; c < C; ++c) {
            const int8_t* a = y[c][b].qs;
            __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
            for (int k = 0; k < 8; k += 2) {
                s0 = dot_u8s8_acc_bcast4_512(s0, wu[k], a + 4 * k);
                s1 = dot_u8s8_acc_bcast4_512(s1, wu[k + 1], a + 4 * k + 4);
            }
            const __m512i offset = _mm512_slli_epi32(_mm512_set1_epi32(info[c][b].sum), 7);
            const __m512i isum = _mm512_sub_epi32(_mm512_add_epi32(s0, s1), offset);
            const __m512 scale = _mm512_mul_ps(dw, _mm512_set1_ps(info[c][b].d));
            acc[c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), scale, acc[c]);
        }
    }
    for (int c = 0; c < C; ++c) _mm512_storeu_ps(out + c * ldo, acc[c]);
}

void gemm_q8_0_x16(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                   int n_act, float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q8_0_x16<4>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q8_0_x16<1>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
}

}  // namespace
