// Packed TQ2_0 (BlockTQ2_0x8, part of the ARM kernel body): int32 lanes hold
// rows (rows 0-3 and 4-7 in two vectors). Chunk 8h + l holds 4 quant bytes of
// each row; its 4 runs of 2-bit fields (runs 1 and 3 in place, times 4) give
// with one sdot each against activation bytes 128h + 32run + 4l.. (broadcast)
// what lane l of the per-row x86 kernel adds: the same integers, float steps
// and final tree as ref::gemm_tq2_0_x8, so the same bits.

template <int C>
void gemmc_tq2_0_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockTQ2_0x8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const uint8x16_t field0 = vdupq_n_u8(0x03), field1 = vdupq_n_u8(0x0C);
    float32x4_t acc[C][8][2];
    for (int t = 0; t < C; ++t)
        for (auto& a : acc[t]) a[0] = a[1] = vdupq_n_f32(0.f);
    for (int64_t b = 0; b < cols / QK_K; ++b) {
        const BlockTQ2_0x8& blk = w[b];
        prefetch_lines_ahead(blk);
        const float32x4_t dw[2] = {half4(blk.d), half4(blk.d + 4)};
        float32x4_t scale[C][2];  // d_a * d_w * 1/4 (the per-row x86 kernel's order), once per block
        for (int t = 0; t < C; ++t)
            for (int h = 0; h < 2; ++h) scale[t][h] = vmulq_n_f32(vmulq_n_f32(dw[h], y[t][b].d), 0.25f);
        for (int l = 0; l < 8; ++l) {
            int8x16_t v[2][4][2];  // [half][run][rows 0-3, 4-7]
            for (int half = 0; half < 2; ++half)
                for (int h = 0; h < 2; ++h) {
                    const uint8x16_t q = load16(blk.qs + 32 * (8 * half + l) + 16 * h), q_hi = vshrq_n_u8(q, 4);
                    v[half][0][h] = vreinterpretq_s8_u8(vandq_u8(q, field0));
                    v[half][1][h] = vreinterpretq_s8_u8(vandq_u8(q, field1));
                    v[half][2][h] = vreinterpretq_s8_u8(vandq_u8(q_hi, field0));
                    v[half][3][h] = vreinterpretq_s8_u8(vandq_u8(q_hi, field1));
                }
            for (int t = 0; t < C; ++t) {
                const BlockQ8_K& yb = y[t][b];
                // -4 (bsums[2l] + bsums[2l + 1]): the activations' share of the -1s.
                const int32x4_t minus = vdupq_n_s32(-4 * (yb.bsums[2 * l] + yb.bsums[2 * l + 1]));
                int32x4_t times1[2] = {vdupq_n_s32(0), vdupq_n_s32(0)}, times4[2] = {minus, minus};
                for (int half = 0; half < 2; ++half)
                    for (int run = 0; run < 4; ++run) {
                        const int8_t* a = yb.qs + 128 * half + 32 * run + 4 * l;
                        const int8x16_t a4 = vreinterpretq_s8_s32(vld1q_dup_s32(reinterpret_cast<const int32_t*>(a)));
                        int32x4_t(&sum)[2] = run % 2 == 0 ? times1 : times4;
                        for (int h = 0; h < 2; ++h) sum[h] = dot_s8(sum[h], v[half][run][h], a4);
                    }
                for (int h = 0; h < 2; ++h) {
                    const int32x4_t lane4 = vaddq_s32(vshlq_n_s32(times1[h], 2), times4[h]);
                    acc[t][l][h] = vfmaq_f32(acc[t][l][h], scale[t][h], vcvtq_f32_s32(lane4));
                }
            }
        }
    }
    for (int t = 0; t < C; ++t)
        for (int h = 0; h < 2; ++h) vst1q_f32(out + t * ldo + 4 * h, sum8_halving(acc[t], h));
}

void gemm_tq2_0_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                   float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_tq2_0_x8<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_tq2_0_x8<1>(cols, packed, acts + c, out + c * ldo, ldo);
}
