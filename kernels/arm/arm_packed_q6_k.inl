// Packed Q6_K (BlockQ6_Kx8, part of the ARM kernel body): int32 lanes hold
// rows (rows 0-3 and 4-7 in two vectors). Triple 2l + h holds weights
// 4l..4l+3 of runs 4h..4h+3 of every row: their values minus 32 (signed
// bytes) in one dot_s8 against the broadcast activation bytes 32j + 4l.. give
// each row's sum for lane l of run j, multiplied by the rows' scale of group
// 2j + l / 4 into lane l's accumulator: the steps of the reference's per-row
// x86 kernel (ref::gemm_q6_k_x8), so the same bits.

template <int C>
void gemmc_q6_k_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ6_Kx8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const uint8x16_t low6 = vdupq_n_u8(0x3F), k32 = vdupq_n_u8(32);
    float32x4_t acc[C][8][2];
    for (int t = 0; t < C; ++t)
        for (auto& a : acc[t]) a[0] = a[1] = vdupq_n_f32(0.f);
    for (int64_t b = 0; b < cols / QK_K; ++b) {
        const BlockQ6_Kx8& blk = w[b];
        prefetch_lines_ahead(blk);
        const float32x4_t dw[2] = {half4(blk.d), half4(blk.d + 4)};
        for (int half = 0; half < 2; ++half) {  // lanes 0..3 use the even groups' scales, 4..7 the odd ones
            int32x4_t scale[8][2];                 // run j's: group 2j + half
            for (int j = 0; j < 8; ++j) {
                const int16x8_t s16 = vmovl_s8(vld1_s8(blk.scales + 8 * (2 * j + half)));
                scale[j][0] = vmovl_s16(vget_low_s16(s16));
                scale[j][1] = vmovl_high_s16(s16);
            }
            for (int l = 4 * half; l < 4 * half + 4; ++l) {  // lane l of the reference: weights 4l..4l+3 of every run
                int32x4_t lane[C][2];
                for (int t = 0; t < C; ++t) lane[t][0] = lane[t][1] = vdupq_n_s32(0);
                for (int h = 0; h < 2; ++h) {
                    const uint8_t* q = blk.qs + 96 * (2 * l + h);
                    int8x16_t v[4][2];  // [run 4h + c][rows 0-3, 4-7], value - 32
                    for (int r = 0; r < 2; ++r) {
                        const uint8x16_t c0 = load16(q + 16 * r), c1 = load16(q + 32 + 16 * r), c2 = load16(q + 64 + 16 * r);
                        // Run 4h + 3: bits 6-7 of the three chunks, in that order from bit 0.
                        const uint8x16_t v3 =
                            vsliq_n_u8(vsliq_n_u8(vshrq_n_u8(c0, 6), vshrq_n_u8(c1, 6), 2), vshrq_n_u8(c2, 6), 4);
                        v[0][r] = as_s8(vsubq_u8(vandq_u8(c0, low6), k32));
                        v[1][r] = as_s8(vsubq_u8(vandq_u8(c1, low6), k32));
                        v[2][r] = as_s8(vsubq_u8(vandq_u8(c2, low6), k32));
                        v[3][r] = as_s8(vsubq_u8(v3, k32));
                    }
                    for (int c = 0; c < 4; ++c)
                        for (int t = 0; t < C; ++t) {
                            const int32_t* a = reinterpret_cast<const int32_t*>(y[t][b].qs + 32 * (4 * h + c) + 4 * l);
                            const int8x16_t a4 = vreinterpretq_s8_s32(vld1q_dup_s32(a));
                            for (int r = 0; r < 2; ++r)
                                lane[t][r] = vmlaq_s32(lane[t][r], dot_s8(vdupq_n_s32(0), v[c][r], a4), scale[4 * h + c][r]);
                        }
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

void gemm_q6_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q6_k_x8<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q6_k_x8<1>(cols, packed, acts + c, out + c * ldo, ldo);
}
