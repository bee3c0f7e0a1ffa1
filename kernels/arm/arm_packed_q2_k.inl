// Packed Q2_K (BlockQ2_Kx8, part of the ARM kernel body): int32 lanes hold
// rows (rows 0-3 and 4-7 in two vectors). Chunk 8h + l holds 4 quant bytes of
// each row; each of its 4 runs of 2-bit fields, masked in place as the x86
// kernel does (values times 1, 4, 16, 16), meets activation bytes
// 128h + 32run + 4l.. in one sdot by element. The four chunks of a group of
// 16 weights (8h + 2run + parity: chunks 4 parity..+3) add into one int32 per
// row, which the group's scale (times 16, 4, 1, 1) multiplies once into the
// row's super-block sum: 16 x the integer of ref::gemm_q2_k_x8. With the mins'
// integer and the twin's two float steps per super-block: its bits.
//
// The loop over scale bytes stays a loop: fully unrolled, GCC 12 hoists the
// chunk loads of a whole super-block and spills (about 1040 instructions per
// super-block against about 700 as a loop; llvm-mca cortex-a76, per 16 sdot:
// 34 cycles here, 77 in session 12's per-lane kernel).

// The rows' scales (int32, rows 0-3 and 4-7) of the two groups in scale bytes
// 8q..8q+7 (s_a << 4 | s_a+4, a = 8(q / 4) + q % 4: run 0 or 1 high, run + 2
// low), premultiplied for the in-place fields: x16 (run 0), x4 (run 1), x1.
struct Q2KScalePairArm {
    int32x4_t high[2], low[2];
    Q2KScalePairArm(const uint8_t* scales, int q) {
        const uint16x8_t both = vmovl_u8(vld1_u8(scales + 8 * q));
        widen((q % 4) / 2 == 0 ? vandq_u16(both, vdupq_n_u16(0xF0)) : vandq_u16(vshrq_n_u16(both, 2), vdupq_n_u16(0x3C)), high);
        widen(vandq_u16(both, vdupq_n_u16(0x0F)), low);
    }
    static void widen(uint16x8_t v, int32x4_t (&out)[2]) {
        out[0] = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(v)));
        out[1] = vreinterpretq_s32_u32(vmovl_high_u16(v));
    }
};

// Run `run` of a chunk's 16 bytes, in place (crumbs_in_place of the x86 kernel).
inline int8x16_t q2_k_crumbs(uint8x16_t q, int run) {
    if (run < 3) return vreinterpretq_s8_u8(vandq_u8(q, vdupq_n_u8(uint8_t(3 << (2 * run)))));
    return vreinterpretq_s8_u8(vandq_u8(vshrq_n_u8(q, 2), vdupq_n_u8(0x30)));
}

// Chunk k of a group (4 bytes of each row): its run's fields against activation
// bytes 4k..4k+3 of the group's 16 (sdot by element), into rows 0-3 / 4-7.
template <int k, int C>
inline void q2k_add_chunk(int32x4_t (&group)[C][2], const uint8_t* chunks, int run, const int8x16_t (&a16)[C]) {
    const int8x16_t v[2] = {q2_k_crumbs(load16(chunks + 32 * k), run), q2_k_crumbs(load16(chunks + 32 * k + 16), run)};
    for (int t = 0; t < C; ++t)
        for (int h = 0; h < 2; ++h) group[t][h] = dot_s8_lane<k>(group[t][h], v[h], a16[t]);
}

template <int C>
void gemmc_q2_k_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ2_Kx8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    float32x4_t acc[C][2];
    for (int t = 0; t < C; ++t) acc[t][0] = acc[t][1] = vdupq_n_f32(0.f);
    for (int64_t b = 0; b < cols / QK_K; ++b) {
        const BlockQ2_Kx8& blk = w[b];
        prefetch_lines_ahead(blk);
        int32x4_t isum[C][2];
        for (int t = 0; t < C; ++t) isum[t][0] = isum[t][1] = vdupq_n_s32(0);
        // Scale bytes 8q.. with q = 4 half + 2 r01 + parity hold the groups of runs r01 and
        // r01 + 2 (8 half + 2 run + parity: chunks 4 parity..+3 of the half).
        for (int q = 0; q < 8; ++q) {
            const int half = q / 4, r01 = (q % 4) / 2, parity = q % 2;
            const Q2KScalePairArm scale(blk.scales, q);
            const uint8_t* chunks = blk.qs + 32 * (8 * half + 4 * parity);
#pragma GCC unroll 2
            for (int run = r01; run < 4; run += 2) {
                int8x16_t a16[C];  // the 16 activation bytes of the group
                int32x4_t group[C][2];
                for (int t = 0; t < C; ++t) {
                    a16[t] = load16(y[t][b].qs + 128 * half + 32 * run + 16 * parity);
                    group[t][0] = group[t][1] = vdupq_n_s32(0);
                }
                q2k_add_chunk<0>(group, chunks, run, a16);
                q2k_add_chunk<1>(group, chunks, run, a16);
                q2k_add_chunk<2>(group, chunks, run, a16);
                q2k_add_chunk<3>(group, chunks, run, a16);
                const auto& s = run < 2 ? scale.high : scale.low;
                for (int t = 0; t < C; ++t)
                    for (int h = 0; h < 2; ++h) isum[t][h] = vmlaq_s32(isum[t][h], group[t][h], s[h]);
            }
        }
        // The mins: byte 16p + 2r + e holds m_2p+e (low nibble) and m_2p+8+e (high):
        // int16 pairs of rows 0-3 / 4-7 against the bsums pairs 2p and 2p + 8.
        int32x4_t mins[C][2][2];  // [t][rows 0-3, 4-7][products of pair elements 0, 1]
        for (int t = 0; t < C; ++t)
            for (auto& m : mins[t]) m[0] = m[1] = vdupq_n_s32(0);
        for (int p = 0; p < 4; ++p)
            for (int h = 0; h < 2; ++h) {
                const uint16x8_t m = vmovl_u8(vld1_u8(blk.mins + 16 * p + 8 * h));
                const int16x8_t low = vreinterpretq_s16_u16(vandq_u16(m, vdupq_n_u16(0x0F)));
                const int16x8_t high = vreinterpretq_s16_u16(vshrq_n_u16(m, 4));
                for (int t = 0; t < C; ++t) {
                    int32_t low_pair, high_pair;
                    std::memcpy(&low_pair, y[t][b].bsums + 2 * p, 4);
                    std::memcpy(&high_pair, y[t][b].bsums + 2 * p + 8, 4);
                    const int16x8_t lp = vreinterpretq_s16_s32(vdupq_n_s32(low_pair));
                    const int16x8_t hp = vreinterpretq_s16_s32(vdupq_n_s32(high_pair));
                    mins[t][h][0] = vmlal_s16(vmlal_s16(mins[t][h][0], vget_low_s16(low), vget_low_s16(lp)), vget_low_s16(high),
                                              vget_low_s16(hp));
                    mins[t][h][1] = vmlal_high_s16(vmlal_high_s16(mins[t][h][1], low, lp), high, hp);
                }
            }
        const float32x4_t dw[2] = {vmulq_n_f32(half4(blk.d), 1.f / 16), vmulq_n_f32(half4(blk.d + 4), 1.f / 16)};
        const float32x4_t dm[2] = {half4(blk.dmin), half4(blk.dmin + 4)};
        for (int t = 0; t < C; ++t)
            for (int h = 0; h < 2; ++h) {
                const int32x4_t msum = vpaddq_s32(mins[t][h][0], mins[t][h][1]);  // rows' pairs added
                acc[t][h] = vfmaq_f32(acc[t][h], vmulq_n_f32(dw[h], y[t][b].d), vcvtq_f32_s32(isum[t][h]));
                acc[t][h] = vfmsq_f32(acc[t][h], vmulq_n_f32(dm[h], y[t][b].d), vcvtq_f32_s32(msum));
            }
    }
    for (int t = 0; t < C; ++t)
        for (int h = 0; h < 2; ++h) vst1q_f32(out + t * ldo + 4 * h, acc[t][h]);
}

void gemm_q2_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q2_k_x8<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q2_k_x8<1>(cols, packed, acts + c, out + c * ldo, ldo);
}
