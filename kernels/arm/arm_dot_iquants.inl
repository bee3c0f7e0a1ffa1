// Dot products of IQ4_XS and IQ2_XXS against Q8_K activations (part of the ARM
// kernel body). Weights are decoded to signed bytes per 32 (IQ4_XS: the IQ4_NL
// levels by tbl; IQ2_XXS: grid entries times the sign multipliers), summed
// exactly per group (dot_s8: sdot or its baseline twin), and combined in float
// in the scalar reference's order: the same bits as the scalar kernels. The
// other i-quants and TQ1_0 run the scalar kernels on ARM for now.

template <int C>
void dotc_iq4_xs(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockIQ4_XS*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const int8x16_t levels = vld1q_s8(kIQ4NL);
    float sum[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x + i);
        const float d = half(x[i].d);
        for (int ib = 0; ib < 8; ++ib) {
            const uint8x16_t q = load16(x[i].qs + 16 * ib);
            const int8x16_t w0 = vqtbl1q_s8(levels, vandq_u8(q, vdupq_n_u8(0x0F)));
            const int8x16_t w1 = vqtbl1q_s8(levels, vshrq_n_u8(q, 4));
            const float ls = float(iq4_xs_scale(x[i], ib) - 32);
            for (int c = 0; c < C; ++c)
                sum[c] += d * y[c][i].d * ls * float(dot32(w0, w1, y[c][i].qs + 32 * ib));
        }
    }
    for (int c = 0; c < C; ++c) out[c] = sum[c];
}
LUMEN_DOT_ENTRY_POINTS(iq4_xs)

// Two packed grid / sign entries as one vector of 16 bytes.
inline int8x16_t pair64(uint64_t lo, uint64_t hi) {
    return vreinterpretq_s8_u64(vcombine_u64(vcreate_u64(lo), vcreate_u64(hi)));
}

template <int C>
void dotc_iq2_xxs(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockIQ2_XXS*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const uint64_t* grid = kIQ2XXSGrid.data();
    const uint64_t* sign = kIQSignMultipliers.data();
    float sum[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x + i);
        int32_t bsum[C] = {};
        for (int ib = 0; ib < 8; ++ib) {
            uint32_t aux[2];
            std::memcpy(aux, x[i].qs + 4 * ib, 8);
            const uint32_t g = aux[0], s = aux[1];
            const int8x16_t w0 = vmulq_s8(pair64(grid[g & 0xFF], grid[(g >> 8) & 0xFF]),
                                          pair64(sign[s & 127], sign[(s >> 7) & 127]));
            const int8x16_t w1 = vmulq_s8(pair64(grid[(g >> 16) & 0xFF], grid[g >> 24]),
                                          pair64(sign[(s >> 14) & 127], sign[(s >> 21) & 127]));
            const int32_t ls = 2 * int32_t(s >> 28) + 1;
            for (int c = 0; c < C; ++c) bsum[c] += dot32(w0, w1, y[c][i].qs + 32 * ib) * ls;
        }
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c) sum[c] += d * y[c][i].d * float(bsum[c]);
    }
    for (int c = 0; c < C; ++c) out[c] = 0.125f * sum[c];
}
LUMEN_DOT_ENTRY_POINTS(iq2_xxs)

// Registers the kernels above (called from fill_common).
void fill_iquants(KernelSet& ks) {
    using T = lumen::TensorType;
    ks.set(T::IQ4_XS, dot_iq4_xs);
    ks.set4(T::IQ4_XS, dot4_iq4_xs);
    ks.set(T::IQ2_XXS, dot_iq2_xxs);
    ks.set4(T::IQ2_XXS, dot4_iq2_xxs);
}
