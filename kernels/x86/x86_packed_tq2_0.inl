// Packed TQ2_0 (BlockTQ2_0x8, part of the x86 kernel body): the 8 int32 lanes
// hold the 8 rows. Chunk 8h + l of a super-block holds 4 quant bytes of each
// row; its 4 runs of 2-bit fields (0..2) against activation bytes
// 128h + 32run + 4l.. (broadcast) are what lane l of the reference's per-row
// kernel (dotc_tq2_0) adds, and lane l's -1 offset is the per-row kernel's:
// bsums 2l and 2l + 1. So the packed kernel keeps one int32 and one float
// accumulator per lane and reduces them with the reference's tree at the end
// (ref::gemm_tq2_0_x8): the per-row kernel's bits, 8 rows per instruction.
// The integer sums are exact in any order, so they are built with the fewest
// instructions: one shift per chunk (runs 1 and 3 stay in place, times 4, in
// their own sum, shifted back once per lane), vpdpbusd chains where there is
// VNNI, else 16-bit maddubs sums and one madd per lane.

// The 4 runs of one chunk with one shift: runs 0 and 2 as values (0..2), runs
// 1 and 3 in place, times 4 (bits 2-3 of q and of q >> 4).
struct TQ2Runs {
    __m256i unit[2], times4[2];  // [run / 2]
    explicit TQ2Runs(__m256i q) {
        const __m256i high = _mm256_srli_epi16(q, 4), three = _mm256_set1_epi8(3), twelve = _mm256_set1_epi8(12);
        unit[0] = _mm256_and_si256(q, three);
        unit[1] = _mm256_and_si256(high, three);
        times4[0] = _mm256_and_si256(q, twelve);
        times4[1] = _mm256_and_si256(high, twelve);
    }
};

template <int C>
void gemmc_tq2_0_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockTQ2_0x8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    __m256 acc[C][8];
    for (int t = 0; t < C; ++t)
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm256_setzero_ps();
    const int64_t nb = cols / QK_K;
    for (int64_t b = 0; b < nb; ++b) {
        const BlockTQ2_0x8& blk = w[b];
        prefetch_lines_ahead(blk);
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.d)));
        __m256 dd[C];
        for (int t = 0; t < C; ++t) dd[t] = _mm256_mul_ps(_mm256_broadcast_ss(&y[t][b].d), dw);
#pragma GCC unroll 8
        for (int l = 0; l < 8; ++l) {  // lane l of the reference: weights 4l..4l+3 of every run
            // Activation bytes of run `run` of half h for this lane, in every int32 lane.
            const auto act = [&](int t, int h, int run) { return bcast4(y[t][b].qs + 128 * h + 32 * run + 4 * l); };
            // bsums 2l and 2l + 1 (the -1 offset of the per-row kernel's lane l) as an int16 pair.
            const auto bsum_pair = [&](int t) { return bcast4(reinterpret_cast<const int8_t*>(y[t][b].bsums + 2 * l)); };
            __m256i lane[C];
            if constexpr (kDotTakesFullBytes) {  // vpdpbusd: two chains per lane, the times-4 one shifted back
                __m256i unit[C], times4[C];
                for (int t = 0; t < C; ++t) {
                    unit[t] = _mm256_madd_epi16(bsum_pair(t), _mm256_set1_epi16(-1));
                    times4[t] = _mm256_setzero_si256();
                }
#pragma GCC unroll 2
                for (int h = 0; h < 2; ++h) {
                    const TQ2Runs v(load32(blk.qs + 32 * (8 * h + l)));
                    for (int k = 0; k < 2; ++k)
                        for (int t = 0; t < C; ++t) {
                            unit[t] = dot_u8s8_acc(unit[t], v.unit[k], act(t, h, 2 * k));
                            times4[t] = dot_u8s8_acc(times4[t], v.times4[k], act(t, h, 2 * k + 1));
                        }
                }
                for (int t = 0; t < C; ++t) lane[t] = _mm256_add_epi32(unit[t], _mm256_srai_epi32(times4[t], 2));
            } else {  // maddubs: 16-bit sums (at most 4 x 2048 here), one madd
                __m256i unit[C], times4[C];
                for (int t = 0; t < C; ++t) unit[t] = times4[t] = _mm256_setzero_si256();
#pragma GCC unroll 2
                for (int h = 0; h < 2; ++h) {
                    const TQ2Runs v(load32(blk.qs + 32 * (8 * h + l)));
                    for (int k = 0; k < 2; ++k)
                        for (int t = 0; t < C; ++t) {
                            unit[t] = _mm256_add_epi16(unit[t], _mm256_maddubs_epi16(v.unit[k], act(t, h, 2 * k)));
                            times4[t] = _mm256_add_epi16(times4[t], _mm256_maddubs_epi16(v.times4[k], act(t, h, 2 * k + 1)));
                        }
                }
                for (int t = 0; t < C; ++t) {
                    const __m256i sum16 = _mm256_sub_epi16(_mm256_add_epi16(unit[t], _mm256_srai_epi16(times4[t], 2)), bsum_pair(t));
                    lane[t] = _mm256_madd_epi16(sum16, _mm256_set1_epi16(1));
                }
            }
            for (int t = 0; t < C; ++t) acc[t][l] = _mm256_fmadd_ps(dd[t], _mm256_cvtepi32_ps(lane[t]), acc[t][l]);
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
