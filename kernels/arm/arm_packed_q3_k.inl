// Packed Q3_K (BlockQ3_Kx8, part of the ARM kernel body): int32 lanes hold
// rows (rows 0-3 and 4-7 in two vectors). Triple l holds weights 4l..4l+3 of
// all 8 runs of every row: each run's 3-bit values (0..7, shifted out of the
// three chunks) in one dot_s8 against the broadcast activation bytes 32j +
// 4l.. give each row's sum for lane l of run j, multiplied by 16 x the rows'
// scale of group 2j + l / 4 into lane l's accumulator, which starts from -64 x
// (scale_2l * bsum_2l + scale_2l+1 * bsum_2l+1): the integers of the per-row
// x86 kernel's lanes and then its float steps (ref::gemm_q3_k_x8), so the
// same bits.

template <int C>
void gemmc_q3_k_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ3_Kx8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const uint8x16_t low3 = vdupq_n_u8(7);
    float32x4_t acc[C][8][2];
    for (int t = 0; t < C; ++t)
        for (auto& a : acc[t]) a[0] = a[1] = vdupq_n_f32(0.f);
    for (int64_t b = 0; b < cols / QK_K; ++b) {
        const BlockQ3_Kx8& blk = w[b];
        prefetch_lines_ahead(blk);
        const float32x4_t dw[2] = {vmulq_n_f32(half4(blk.d), 1.f / 16), vmulq_n_f32(half4(blk.d + 4), 1.f / 16)};
        for (int half = 0; half < 2; ++half) {  // lanes 0..3 use the even groups' scales, 4..7 the odd ones
            int32x4_t scale[8][2];                 // 16 x run j's: group 2j + half
            for (int j = 0; j < 8; ++j) {
                // Bytes 2r + half of the pair row: vld2 splits the even and odd groups.
                const int8x8x2_t pair = vld2_s8(blk.scales + 16 * j);
                const int16x8_t s16 = vshlq_n_s16(vmovl_s8(pair.val[half]), 4);
                scale[j][0] = vmovl_s16(vget_low_s16(s16));
                scale[j][1] = vmovl_high_s16(s16);
            }
            for (int l = 4 * half; l < 4 * half + 4; ++l) {  // lane l of the reference: weights 4l..4l+3 of every run
                // -64 x the scales of groups 2l and 2l + 1 (row after row, in pairs) against bsums 2l and 2l + 1.
                const int8x16_t pairs = vld1q_s8(blk.scales + 16 * l);
                const int16x8_t off[2] = {vmulq_n_s16(vmovl_s8(vget_low_s8(pairs)), -64),
                                          vmulq_n_s16(vmovl_high_s8(pairs), -64)};
                int32x4_t lane[C][2];
                for (int t = 0; t < C; ++t) {
                    const int16x8_t bs = vreinterpretq_s16_s32(vld1q_dup_s32(reinterpret_cast<const int32_t*>(y[t][b].bsums + 2 * l)));
                    for (int r = 0; r < 2; ++r)
                        lane[t][r] = vpaddq_s32(vmull_s16(vget_low_s16(off[r]), vget_low_s16(bs)), vmull_high_s16(off[r], bs));
                }
                const uint8_t* q = blk.qs + 96 * l;
                int8x16_t v[8][2];  // [run j][rows 0-3, 4-7]
                for (int r = 0; r < 2; ++r) {
                    const uint8x16_t c0 = load16(q + 16 * r), c1 = load16(q + 32 + 16 * r), c2 = load16(q + 64 + 16 * r);
                    v[0][r] = as_s8(vandq_u8(c0, low3));
                    v[1][r] = as_s8(vandq_u8(vshrq_n_u8(c0, 3), low3));
                    v[2][r] = as_s8(vandq_u8(c1, low3));
                    v[3][r] = as_s8(vandq_u8(vshrq_n_u8(c1, 3), low3));
                    v[4][r] = as_s8(vandq_u8(c2, low3));
                    v[5][r] = as_s8(vandq_u8(vshrq_n_u8(c2, 3), low3));
                    v[6][r] = as_s8(vandq_u8(vsliq_n_u8(vshrq_n_u8(c0, 6), vshrq_n_u8(c1, 6), 2), low3));
                    v[7][r] = as_s8(vsliq_n_u8(vshrq_n_u8(c1, 7), vshrq_n_u8(c2, 6), 1));
                }
                for (int j = 0; j < 8; ++j)
                    for (int t = 0; t < C; ++t) {
                        const int32_t* a = reinterpret_cast<const int32_t*>(y[t][b].qs + 32 * j + 4 * l);
                        const int8x16_t a4 = vreinterpretq_s8_s32(vld1q_dup_s32(a));
                        for (int r = 0; r < 2; ++r)
                            lane[t][r] = vmlaq_s32(lane[t][r], dot_s8(vdupq_n_s32(0), v[j][r], a4), scale[j][r]);
                    }
                for (int t = 0; t < C; ++t)
                    for (int r = 0; r < 2; ++r)
                        acc[t][l][r] = vfmaq_f32(acc[t][l][r], vmulq_n_f32(dw[r], y[t][b].d), vcvtq_f32_s32(lane[t][r]));
            }
        }
    }
    for (int t = 0; t < C; ++t)
        for (int h = 0; h < 2; ++h) vst1q_f32(out + t * ldo + 4 * h, sum8_halving(acc[t], h));
}

void gemm_q3_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q3_k_x8<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q3_k_x8<1>(cols, packed, acts + c, out + c * ldo, ldo);
}
