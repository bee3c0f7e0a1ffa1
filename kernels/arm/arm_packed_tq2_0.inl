// Packed TQ2_0 (BlockTQ2_0x8, part of the ARM kernel body): int32 lanes hold
// rows (rows 0-3 and 4-7 in two vectors). Chunk 8h + l holds 4 quant bytes of
// each row; each of its 4 runs of 2-bit fields (0..2), in one dot_s8 against
// activation bytes 128h + 32run + 4l.. (broadcast), adds the rows' sums for
// lane l of the reference's per-row x86 kernel, which starts from that lane's
// -1 offset (bsums 2l and 2l + 1): the same integers, float steps and final
// tree as ref::gemm_tq2_0_x8, so the same bits.

// Run `run` of a chunk's 16 bytes: the 2-bit values 0..2.
inline int8x16_t tq2_0_crumbs(uint8x16_t q, int run) {
    const uint8x16_t three = vdupq_n_u8(3);
    switch (run) {
        case 0: return as_s8(vandq_u8(q, three));
        case 1: return as_s8(vandq_u8(vshrq_n_u8(q, 2), three));
        case 2: return as_s8(vandq_u8(vshrq_n_u8(q, 4), three));
        default: return as_s8(vshrq_n_u8(q, 6));
    }
}

template <int C>
void gemmc_tq2_0_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockTQ2_0x8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    float32x4_t acc[C][8][2];
    for (int t = 0; t < C; ++t)
        for (auto& a : acc[t]) a[0] = a[1] = vdupq_n_f32(0.f);
    for (int64_t b = 0; b < cols / QK_K; ++b) {
        const BlockTQ2_0x8& blk = w[b];
        prefetch_lines_ahead(blk);
        const float32x4_t dw[2] = {half4(blk.d), half4(blk.d + 4)};
        for (int l = 0; l < 8; ++l) {  // lane l of the reference: weights 4l..4l+3 of every run
            int32x4_t lane[C][2];
            for (int t = 0; t < C; ++t)
                lane[t][0] = lane[t][1] = vdupq_n_s32(-(y[t][b].bsums[2 * l] + y[t][b].bsums[2 * l + 1]));
            for (int h = 0; h < 2; ++h) {
                const uint8_t* q = blk.qs + 32 * (8 * h + l);
                const uint8x16_t q16[2] = {load16(q), load16(q + 16)};
                for (int run = 0; run < 4; ++run) {
                    const int8x16_t v[2] = {tq2_0_crumbs(q16[0], run), tq2_0_crumbs(q16[1], run)};
                    for (int t = 0; t < C; ++t) {
                        const int8_t* a = y[t][b].qs + 128 * h + 32 * run + 4 * l;
                        const int8x16_t a4 = vreinterpretq_s8_s32(vld1q_dup_s32(reinterpret_cast<const int32_t*>(a)));
                        for (int r = 0; r < 2; ++r) lane[t][r] = dot_s8(lane[t][r], v[r], a4);
                    }
                }
            }
            for (int t = 0; t < C; ++t)
                for (int r = 0; r < 2; ++r)
                    acc[t][l][r] = vfmaq_f32(acc[t][l][r], vmulq_n_f32(dw[r], y[t][b].d), vcvtq_f32_s32(lane[t][r]));
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
