// Packed Q4_K and Q5_K (BlockQ4_Kx8, BlockQ5_Kx8; part of the ARM kernel body): int32 lanes hold
// rows (rows 0-3 and 4-7 in two vectors). Chunk 8k + l holds 4 quant bytes of
// each row: one sdot of its low nibbles against activation bytes 64k + 4l..
// (broadcast) and one of its high nibbles against 64k + 32 + 4l.. give the
// rows' sums for lane l of sub-blocks 2k and 2k + 1, multiplied by the rows'
// scales into lane l's accumulator: the steps of the reference's per-row x86
// kernel (ref::gemm_q4_k_x8, gemm_q5_k_x8), so the same bits. Q5_K's fifth
// bits: bit s of the chunk column's qh bytes, moved to bit 4.

// Every cache line of a packed super-block, 2 KiB ahead.
template <class Packed>
inline void prefetch_lines_ahead(const Packed& blk) {
    for (int l = 0; l < int(sizeof(Packed)); l += 64) __builtin_prefetch(reinterpret_cast<const char*>(&blk) + 2048 + l);
}

// The reference's sum of 8 float lanes (i + (i + 4), then + 2, then + 1) over
// accumulators [lane][half], whose vector lanes are rows 4 half.. 4 half + 3.
inline float32x4_t sum8_halving(const float32x4_t (&a)[8][2], int h) {
    return vaddq_f32(vaddq_f32(vaddq_f32(a[0][h], a[4][h]), vaddq_f32(a[2][h], a[6][h])),
                     vaddq_f32(vaddq_f32(a[1][h], a[5][h]), vaddq_f32(a[3][h], a[7][h])));
}

// Bit s of every byte of v at bit 4 (other bits zero).
inline uint8x16_t fifth_bit(uint8x16_t v, int s) {
    return vandq_u8(vshlq_u8(v, vdupq_n_s8(int8_t(4 - s))), vdupq_n_u8(0x10));
}

template <int C, class Packed, bool kLaneMins>
void gemmc_k4_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    constexpr bool kFifthBits = std::is_same_v<Packed, BlockQ5_Kx8>;
    const auto* w = static_cast<const Packed*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    float32x4_t acc[C][8][2], acc_min[C][4][2], min_sum[C][2];
    for (int t = 0; t < C; ++t) {
        for (auto& a : acc[t]) a[0] = a[1] = vdupq_n_f32(0.f);
        for (auto& a : acc_min[t]) a[0] = a[1] = vdupq_n_f32(0.f);
        min_sum[t][0] = min_sum[t][1] = vdupq_n_f32(0.f);
    }
    for (int64_t b = 0; b < cols / QK_K; ++b) {
        const Packed& blk = w[b];
        prefetch_lines_ahead(blk);
        int32x4_t scale[8][2];
        for (int s = 0; s < 8; ++s) {
            const uint16x8_t s16 = vmovl_u8(vld1_u8(blk.scales + 8 * s));
            scale[s][0] = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(s16)));
            scale[s][1] = vreinterpretq_s32_u32(vmovl_high_u16(s16));
        }
        const float32x4_t dw[2] = {half4(blk.d), half4(blk.d + 4)};
        const float32x4_t dm[2] = {half4(blk.dmin), half4(blk.dmin + 4)};
        for (int l = 0; l < 8; ++l) {
            int32x4_t lane[C][2];
            for (int t = 0; t < C; ++t) lane[t][0] = lane[t][1] = vdupq_n_s32(0);
            for (int k = 0; k < 4; ++k) {
                int8x16_t lo[2], hi[2];
                for (int h = 0; h < 2; ++h) {
                    const uint8x16_t q = load16(blk.qs + 32 * (8 * k + l) + 16 * h);
                    lo[h] = low_nibbles(q);
                    hi[h] = high_nibbles(q);
                    if constexpr (kFifthBits) {
                        const uint8x16_t qh = load16(blk.qh + 32 * l + 16 * h);
                        lo[h] = vorrq_s8(lo[h], as_s8(fifth_bit(qh, 2 * k)));
                        hi[h] = vorrq_s8(hi[h], as_s8(fifth_bit(qh, 2 * k + 1)));
                    }
                }
                for (int t = 0; t < C; ++t) {
                    const int8_t* a = y[t][b].qs + 64 * k + 4 * l;
                    const int8x16_t a_lo = vreinterpretq_s8_s32(vld1q_dup_s32(reinterpret_cast<const int32_t*>(a)));
                    const int8x16_t a_hi = vreinterpretq_s8_s32(vld1q_dup_s32(reinterpret_cast<const int32_t*>(a + 32)));
                    for (int h = 0; h < 2; ++h) {
                        lane[t][h] = vmlaq_s32(lane[t][h], dot_s8(vdupq_n_s32(0), lo[h], a_lo), scale[2 * k][h]);
                        lane[t][h] = vmlaq_s32(lane[t][h], dot_s8(vdupq_n_s32(0), hi[h], a_hi), scale[2 * k + 1][h]);
                    }
                }
            }
            for (int t = 0; t < C; ++t)
                for (int h = 0; h < 2; ++h)
                    acc[t][l][h] = vfmaq_f32(acc[t][l][h], vmulq_n_f32(dw[h], y[t][b].d), vcvtq_f32_s32(lane[t][h]));
        }
        // Mins: lane k of the reference is m_2k * S_2k + m_2k+1 * S_2k+1, S_s the
        // activations' sum over sub-block s (|S_s| <= 32 * 127 fits 16 bits).
        for (int t = 0; t < C; ++t) {
            const int16x8_t sums = vpaddq_s16(vld1q_s16(y[t][b].bsums), vld1q_s16(y[t][b].bsums + 8));
            int32_t pairs[4];  // (S_2k, S_2k+1) as one word each
            vst1q_s32(pairs, vreinterpretq_s32_s16(sums));
            int32x4_t m_total[2] = {vdupq_n_s32(0), vdupq_n_s32(0)};
            for (int k = 0; k < 4; ++k) {
                const int16x8_t pair = vreinterpretq_s16_s32(vdupq_n_s32(pairs[k]));
                for (int h = 0; h < 2; ++h) {
                    const int16x8_t m = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(blk.mins + 16 * k + 8 * h)));
                    const int32x4_t ml = vpaddq_s32(vmull_s16(vget_low_s16(m), vget_low_s16(pair)), vmull_high_s16(m, pair));
                    const float32x4_t neg_dm = vnegq_f32(vmulq_n_f32(dm[h], y[t][b].d));
                    if constexpr (kLaneMins) acc_min[t][k][h] = vfmaq_f32(acc_min[t][k][h], neg_dm, vcvtq_f32_s32(ml));
                    else m_total[h] = vaddq_s32(m_total[h], ml);
                }
            }
            if constexpr (!kLaneMins)  // Q5_K: min_sum += (-d_a * dmin) * total, two roundings
                for (int h = 0; h < 2; ++h) {
                    const float32x4_t neg_dm = vnegq_f32(vmulq_n_f32(dm[h], y[t][b].d));
                    min_sum[t][h] = vaddq_f32(min_sum[t][h], vmulq_f32(neg_dm, vcvtq_f32_s32(m_total[h])));
                }
        }
    }
    for (int t = 0; t < C; ++t)
        for (int h = 0; h < 2; ++h) {
            const float32x4_t sum = sum8_halving(acc[t], h);
            const auto& m = acc_min[t];
            const float32x4_t mins =
                kLaneMins ? vaddq_f32(vaddq_f32(m[0][h], m[2][h]), vaddq_f32(m[1][h], m[3][h])) : min_sum[t][h];
            vst1q_f32(out + t * ldo + 4 * h, vaddq_f32(sum, mins));
        }
}

void gemm_q4_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_k4_x8<4, BlockQ4_Kx8, true>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_k4_x8<1, BlockQ4_Kx8, true>(cols, packed, acts + c, out + c * ldo, ldo);
}

void gemm_q5_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_k4_x8<4, BlockQ5_Kx8, false>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_k4_x8<1, BlockQ5_Kx8, false>(cols, packed, acts + c, out + c * ldo, ldo);
}
