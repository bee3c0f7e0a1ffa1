// Attention over a Q8_0 KV cache (dispatch.hpp: DotsQ8_0Fn, WeightedSumQ8_0Fn),
// part of the AArch64 kernel body (arm_kernels.inl). The steps are
// q8_cache_math.hpp's, so every ISA gives the scalar twins' bits
// (scalar/q8_cache.cpp; tests/test_kernels_simd.cpp).

constexpr int kQ8CacheMaxBlocks = 16;  // head sizes up to 512 (larger ones: the scalar twins)

// Scores: each key's blocks are loaded once for the group's query heads; a
// block's 32 products are summed exactly (dot_s8, then across the lanes) and
// scaled in ref::dot_q8_0's order.
void dots_q8_0(int n, const void* q, int n_q, const void* k, size_t k_stride, int count, float* out, size_t out_stride) {
    const int nb = n / QK;
    if (nb > kQ8CacheMaxBlocks) return ref::dots_q8_0(n, q, n_q, k, k_stride, count, out, out_stride);
    const auto* queries = static_cast<const BlockQ8_0*>(q);
    const auto* rows = static_cast<const std::byte*>(k);
    for (int j = 0; j < count; ++j) {
        const auto* key = reinterpret_cast<const BlockQ8_0*>(rows + size_t(j) * k_stride);
        int8x16_t lo[kQ8CacheMaxBlocks], hi[kQ8CacheMaxBlocks];
        float dk[kQ8CacheMaxBlocks];
        for (int b = 0; b < nb; ++b) {
            lo[b] = load16(key[b].qs);
            hi[b] = load16(key[b].qs + 16);
            dk[b] = half(key[b].d);
        }
        for (int g = 0; g < n_q; ++g) {
            const BlockQ8_0* qg = queries + size_t(g) * size_t(nb);
            float s = 0.f;
            for (int b = 0; b < nb; ++b) s += float(dot32(lo[b], hi[b], qg[b].qs)) * dk[b] * half(qg[b].d);
            out[size_t(g) * out_stride + size_t(j)] = s;
        }
    }
}

// Outputs d0 .. d0 + 4 * Vecs - 1 of one head in registers while `keys`
// widened rows pass (fused multiply-adds of exact products).
template <int Vecs>
inline void accumulate_rows_q8(float* o, const float (*vf)[kQ8CacheMaxBlocks * QK], const float (*w)[8], int keys, int d0) {
    float32x4_t acc[Vecs];
    for (int i = 0; i < Vecs; ++i) acc[i] = vld1q_f32(o + d0 + 4 * i);
    for (int t = 0; t < keys; ++t)
        for (int i = 0; i < Vecs; ++i) acc[i] = vfmaq_n_f32(acc[i], vld1q_f32(vf[t] + d0 + 4 * i), w[(d0 + 4 * i) / QK][t]);
    for (int i = 0; i < Vecs; ++i) vst1q_f32(o + d0 + 4 * i, acc[i]);
}

// The weighted V sum, 8 rows at a time, widened to float once for every head.
void weighted_sum_q8_0(float* out, const float* p, size_t p_stride, const float* scale, int n_q, const void* v,
                       size_t v_stride, int count, int n) {
    const int nb = n / QK;
    if (nb > kQ8CacheMaxBlocks) return ref::weighted_sum_q8_0(out, p, p_stride, scale, n_q, v, v_stride, count, n);
    const auto* rows = static_cast<const std::byte*>(v);
    alignas(16) float vf[8][kQ8CacheMaxBlocks * QK];
    float dv[8][kQ8CacheMaxBlocks], w[kQ8CacheMaxBlocks][8];
    for (int j = 0; j < count; j += 8) {
        const int keys = std::min(8, count - j);
        for (int t = 0; t < keys; ++t) {
            const auto* row = reinterpret_cast<const BlockQ8_0*>(rows + size_t(j + t) * v_stride);
            for (int b = 0; b < nb; ++b) {
                dv[t][b] = half(row[b].d);
                for (int i = 0; i < QK; i += 8) {
                    const int16x8_t w16 = vmovl_s8(vld1_s8(row[b].qs + i));
                    vst1q_f32(vf[t] + b * QK + i, vcvtq_f32_s32(vmovl_s16(vget_low_s16(w16))));
                    vst1q_f32(vf[t] + b * QK + i + 4, vcvtq_f32_s32(vmovl_high_s16(w16)));
                }
            }
        }
        for (int g = 0; g < n_q; ++g) {
            for (int t = 0; t < keys; ++t) {
                const float pg = p[size_t(g) * p_stride + size_t(j + t)] * scale[g];
                for (int b = 0; b < nb; ++b) w[b][t] = round_to_16_bits(pg * dv[t][b]);
            }
            float* o = out + size_t(g) * size_t(n);
            int d0 = 0;
            for (; d0 + 64 <= n; d0 += 64) accumulate_rows_q8<16>(o, vf, w, keys, d0);
            if (d0 < n) accumulate_rows_q8<8>(o, vf, w, keys, d0);
        }
    }
}
