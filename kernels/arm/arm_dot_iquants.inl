// Dot products of the i-quants against Q8_K activations (part of the ARM kernel
// body). Weights are decoded to signed bytes per 32 (IQ4_XS: the IQ4_NL levels
// by tbl; the grid types: grid entries times their signs, IQ1_S's {-1, 0, 1}
// grid as is), summed exactly per 16 or 32 (dot_s8: sdot or its baseline twin),
// and combined in float in the scalar reference's order: the same bits as the
// scalar kernels. TQ1_0 decodes its base-3 digits with byte multiplies.

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

// One group of 32 decoded weights of a grid type, and its integer multipliers
// (2 s + 1) for weights 0..15 and 16..31.
struct IqGroupArm {
    int8x16_t w0, w1;
    int32_t ls0, ls1;
};

inline int32_t dot16(int8x16_t w, const int8_t* a) { return vaddvq_s32(dot_s8(vdupq_n_s32(0), w, load16(a))); }

// Bytes of explicit sign bits (bit j of byte k = weight 8k + j negative) as multipliers.
inline int8x16_t sign_bytes16(const uint8_t* bits) {
    return vorrq_s8(as_s8(bits_to_bytes16(uint32_t(bits[0]) | uint32_t(bits[1]) << 8)), vdupq_n_s8(1));
}

// The IQ2/IQ3 types, as ref::dot_grid: per block d_w * d_a * (integer sum), the
// format's constant factor at the end.
template <int C, class Block, class Group>
void dotc_iq_grid(int64_t n, const void* wv, const void* const* av, float* out, float factor, Group group) {
    const auto* x = static_cast<const Block*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    float sum[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x + i);
        int32_t bsum[C] = {};
        for (int ib = 0; ib < 8; ++ib) {
            const IqGroupArm g = group(x[i], ib);
            for (int c = 0; c < C; ++c) {
                const int8_t* a = y[c][i].qs + 32 * ib;
                bsum[c] += dot16(g.w0, a) * g.ls0 + dot16(g.w1, a + 16) * g.ls1;
            }
        }
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c) sum[c] += d * y[c][i].d * float(bsum[c]);
    }
    for (int c = 0; c < C; ++c) out[c] = factor * sum[c];
}

template <int C>
void dotc_iq2_xxs(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ2_XXS>(n, wv, av, out, 0.125f, [](const BlockIQ2_XXS& b, int ib) {
        const uint64_t* grid = kIQ2XXSGrid.data();
        const uint64_t* sign = kIQSignMultipliers.data();
        uint32_t aux[2];
        std::memcpy(aux, b.qs + 4 * ib, 8);
        const uint32_t g = aux[0], s = aux[1];
        const int32_t ls = 2 * int32_t(s >> 28) + 1;
        return IqGroupArm{vmulq_s8(pair64(grid[g & 0xFF], grid[(g >> 8) & 0xFF]), pair64(sign[s & 127], sign[(s >> 7) & 127])),
                          vmulq_s8(pair64(grid[(g >> 16) & 0xFF], grid[g >> 24]),
                                   pair64(sign[(s >> 14) & 127], sign[(s >> 21) & 127])),
                          ls, ls};
    });
}
LUMEN_DOT_ENTRY_POINTS(iq2_xxs)

template <int C>
void dotc_iq2_xs(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ2_XS>(n, wv, av, out, 0.125f, [](const BlockIQ2_XS& b, int ib) {
        const uint64_t* grid = kIQ2XSGrid.data();
        const uint64_t* sign = kIQSignMultipliers.data();
        const uint16_t* q = b.qs + 4 * ib;
        return IqGroupArm{vmulq_s8(pair64(grid[q[0] & 511], grid[q[1] & 511]), pair64(sign[q[0] >> 9], sign[q[1] >> 9])),
                          vmulq_s8(pair64(grid[q[2] & 511], grid[q[3] & 511]), pair64(sign[q[2] >> 9], sign[q[3] >> 9])),
                          2 * (b.scales[ib] & 0xF) + 1, 2 * (b.scales[ib] >> 4) + 1};
    });
}
LUMEN_DOT_ENTRY_POINTS(iq2_xs)

template <int C>
void dotc_iq2_s(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ2_S>(n, wv, av, out, 0.125f, [](const BlockIQ2_S& b, int ib) {
        const uint64_t* grid = kIQ2SGrid.data();
        const uint8_t* qs = b.qs + 4 * ib;
        const uint8_t* signs = b.qs + QK_K / 8 + 4 * ib;
        const int qh = b.qh[ib];
        return IqGroupArm{vmulq_s8(pair64(grid[qs[0] | ((qh << 8) & 0x300)], grid[qs[1] | ((qh << 6) & 0x300)]),
                                   sign_bytes16(signs)),
                          vmulq_s8(pair64(grid[qs[2] | ((qh << 4) & 0x300)], grid[qs[3] | ((qh << 2) & 0x300)]),
                                   sign_bytes16(signs + 2)),
                          2 * (b.scales[ib] & 0xF) + 1, 2 * (b.scales[ib] >> 4) + 1};
    });
}
LUMEN_DOT_ENTRY_POINTS(iq2_s)

// Four 4-byte grid entries as one vector of 16 bytes.
inline int8x16_t quad32(uint32_t e0, uint32_t e1, uint32_t e2, uint32_t e3) {
    const uint32_t v[4] = {e0, e1, e2, e3};
    return vreinterpretq_s8_u32(vld1q_u32(v));
}

template <int C>
void dotc_iq3_xxs(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ3_XXS>(n, wv, av, out, 0.25f, [](const BlockIQ3_XXS& b, int ib) {
        const uint32_t* grid = kIQ3XXSGrid.data();
        const uint64_t* sign = kIQSignMultipliers.data();
        const uint8_t* q = b.qs + 8 * ib;
        uint32_t s;
        std::memcpy(&s, b.qs + QK_K / 4 + 4 * ib, 4);
        const int32_t ls = 2 * int32_t(s >> 28) + 1;
        return IqGroupArm{vmulq_s8(quad32(grid[q[0]], grid[q[1]], grid[q[2]], grid[q[3]]),
                                   pair64(sign[s & 127], sign[(s >> 7) & 127])),
                          vmulq_s8(quad32(grid[q[4]], grid[q[5]], grid[q[6]], grid[q[7]]),
                                   pair64(sign[(s >> 14) & 127], sign[(s >> 21) & 127])),
                          ls, ls};
    });
}
LUMEN_DOT_ENTRY_POINTS(iq3_xxs)

template <int C>
void dotc_iq3_s(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ3_S>(n, wv, av, out, 1.f, [](const BlockIQ3_S& b, int ib) {
        const uint32_t* grid = kIQ3SGrid.data();
        const uint8_t* q = b.qs + 8 * ib;
        const int qh = b.qh[ib];
        auto at = [&](int k) { return grid[q[k] | ((qh << (8 - k)) & 256)]; };
        const int32_t ls = 2 * ((b.scales[ib / 2] >> (4 * (ib % 2))) & 0xF) + 1;
        return IqGroupArm{vmulq_s8(quad32(at(0), at(1), at(2), at(3)), sign_bytes16(b.signs + 4 * ib)),
                          vmulq_s8(quad32(at(4), at(5), at(6), at(7)), sign_bytes16(b.signs + 4 * ib + 2)), ls, ls};
    });
}
LUMEN_DOT_ENTRY_POINTS(iq3_s)

// IQ1_S, as ref::dot_iq1_s: sum += d_w * d_a * (isum + delta * the delta term
// from the activations' 16-sums).
template <int C>
void dotc_iq1_s(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockIQ1_S*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const uint64_t* grid = kIQ1SGrid.data();
    float sum[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x + i);
        int32_t sumi[C] = {}, sumi1[C] = {};
        for (int ib = 0; ib < 8; ++ib) {
            const uint8_t* qs = x[i].qs + 4 * ib;
            const int qh = x[i].qh[ib];
            const int8x16_t w0 = pair64(grid[qs[0] | ((qh << 8) & 0x700)], grid[qs[1] | ((qh << 5) & 0x700)]);
            const int8x16_t w1 = pair64(grid[qs[2] | ((qh << 2) & 0x700)], grid[qs[3] | ((qh >> 1) & 0x700)]);
            const int32_t ls = 2 * ((qh >> 12) & 7) + 1, delta = qh & 0x8000 ? -1 : 1;
            for (int c = 0; c < C; ++c) {
                sumi[c] += ls * dot32(w0, w1, y[c][i].qs + 32 * ib);
                sumi1[c] += ls * delta * (y[c][i].bsums[2 * ib] + y[c][i].bsums[2 * ib + 1]);
            }
        }
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c) sum[c] += d * y[c][i].d * (float(sumi[c]) + kIQ1Delta * float(sumi1[c]));
    }
    for (int c = 0; c < C; ++c) out[c] = sum[c];
}
LUMEN_DOT_ENTRY_POINTS(iq1_s)

// IQ1_M, as ref::dot_iq1_m: per 16 weights the grid sum and the delta-signed
// activation sum, times the 3-bit scale's multiplier, in integers.
template <int C>
void dotc_iq1_m(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockIQ1_M*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const uint64_t* grid = kIQ1SGrid.data();
    auto delta64 = [](int bit) { return bit ? 0xFFFFFFFFFFFFFFFFull : 0x0101010101010101ull; };
    float sum[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x + i);
        int32_t sumi1[C] = {}, sumi2[C] = {};
        for (int ib = 0; ib < 8; ++ib) {
            const uint8_t* qs = x[i].qs + 4 * ib;
            const uint8_t* qh = x[i].qh + 2 * ib;
            const int8x16_t w[2] = {pair64(grid[qs[0] | ((qh[0] << 8) & 0x700)], grid[qs[1] | ((qh[0] << 4) & 0x700)]),
                                    pair64(grid[qs[2] | ((qh[1] << 8) & 0x700)], grid[qs[3] | ((qh[1] << 4) & 0x700)])};
            const int8x16_t delta[2] = {pair64(delta64(qh[0] & 0x08), delta64(qh[0] & 0x80)),
                                        pair64(delta64(qh[1] & 0x08), delta64(qh[1] & 0x80))};
            const int32_t ls[2] = {2 * iq1_m_subscale(x[i], 2 * ib) + 1, 2 * iq1_m_subscale(x[i], 2 * ib + 1) + 1};
            for (int c = 0; c < C; ++c)
                for (int h = 0; h < 2; ++h) {
                    const int8_t* a = y[c][i].qs + 32 * ib + 16 * h;
                    sumi1[c] += dot16(w[h], a) * ls[h];
                    sumi2[c] += dot16(delta[h], a) * ls[h];
                }
        }
        const float d = half(iq1_m_scale_bits(x[i]));
        for (int c = 0; c < C; ++c) sum[c] += d * y[c][i].d * (float(sumi1[c]) + kIQ1Delta * float(sumi2[c]));
    }
    for (int c = 0; c < C; ++c) out[c] = sum[c];
}
LUMEN_DOT_ENTRY_POINTS(iq1_m)

// TQ1_0: digit k of a byte is the top of (byte * 3^k mod 256) * 3, here minus 1
// straight away (signed digits), summed against the activations in integers.
inline int8x16_t signed_trits(uint8x16_t v, uint8_t pow3) {
    const uint8x16_t q = vmulq_u8(v, vdupq_n_u8(pow3));
    const uint8x8_t lo = vshrn_n_u16(vmull_u8(vget_low_u8(q), vdup_n_u8(3)), 8);
    const uint8x8_t hi = vshrn_n_u16(vmull_high_u8(q, vdupq_n_u8(3)), 8);
    return vsubq_s8(as_s8(vcombine_u8(lo, hi)), vdupq_n_s8(1));
}

template <int C>
void dotc_tq1_0(int64_t n, const void* wv, const void* const* av, float* out) {
    static constexpr uint8_t kPow3[5] = {1, 3, 9, 27, 81};
    const auto* x = static_cast<const BlockTQ1_0*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    float sum[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x + i);
        const uint8x16_t q0 = load16(x[i].qs), q1 = load16(x[i].qs + 16), q2 = load16(x[i].qs + 32);
        uint32_t qh;
        std::memcpy(&qh, x[i].qh, 4);
        const uint8x16_t tail = vreinterpretq_u8_u32(vdupq_n_u32(qh));  // qh[m] at byte 4k + m: digit k below
        int32x4_t acc[C];
        for (int c = 0; c < C; ++c) acc[c] = vdupq_n_s32(0);
        for (int k = 0; k < 5; ++k) {
            const int8x16_t t0 = signed_trits(q0, kPow3[k]), t1 = signed_trits(q1, kPow3[k]);
            const int8x16_t t2 = signed_trits(q2, kPow3[k]);
            for (int c = 0; c < C; ++c) {
                const int8_t* a = y[c][i].qs;
                acc[c] = dot_s8(dot_s8(acc[c], t0, load16(a + 32 * k)), t1, load16(a + 32 * k + 16));
                acc[c] = dot_s8(acc[c], t2, load16(a + 160 + 16 * k));
            }
        }
        // Values 240 + 4k + m: digit k of qh[m]; byte 4k + m of `tail` holds qh[m].
        const uint8x16_t mul = {1, 1, 1, 1, 3, 3, 3, 3, 9, 9, 9, 9, 27, 27, 27, 27};
        const uint8x16_t q = vmulq_u8(tail, mul);
        const uint8x8_t lo = vshrn_n_u16(vmull_u8(vget_low_u8(q), vdup_n_u8(3)), 8);
        const uint8x8_t hi = vshrn_n_u16(vmull_high_u8(q, vdupq_n_u8(3)), 8);
        const int8x16_t t3 = vsubq_s8(as_s8(vcombine_u8(lo, hi)), vdupq_n_s8(1));
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c) {
            const int32_t isum = vaddvq_s32(dot_s8(acc[c], t3, load16(y[c][i].qs + 240)));
            sum[c] += float(isum) * (d * y[c][i].d);
        }
    }
    for (int c = 0; c < C; ++c) out[c] = sum[c];
}
LUMEN_DOT_ENTRY_POINTS(tq1_0)

// Registers the kernels above (called from fill_common).
void fill_iquants(KernelSet& ks) {
    using T = lumen::TensorType;
    ks.set(T::IQ4_XS, dot_iq4_xs);
    ks.set4(T::IQ4_XS, dot4_iq4_xs);
#define LUMEN_SET_IQ_DOTS(type, name) \
    ks.set(T::type, dot_##name);      \
    ks.set4(T::type, dot4_##name);
    LUMEN_SET_IQ_DOTS(IQ2_XXS, iq2_xxs)
    LUMEN_SET_IQ_DOTS(IQ2_XS, iq2_xs)
    LUMEN_SET_IQ_DOTS(IQ2_S, iq2_s)
    LUMEN_SET_IQ_DOTS(IQ3_XXS, iq3_xxs)
    LUMEN_SET_IQ_DOTS(IQ3_S, iq3_s)
    LUMEN_SET_IQ_DOTS(IQ1_S, iq1_s)
    LUMEN_SET_IQ_DOTS(IQ1_M, iq1_m)
    LUMEN_SET_IQ_DOTS(TQ1_0, tq1_0)
#undef LUMEN_SET_IQ_DOTS
}
