// Dot products of the i-quants and TQ1_0 against Q8_K activations (part of the
// x86 kernel body; see x86_kernels.inl and x86_dot_blocks.inl for the dotc_
// scheme).
//
// Grid types (IQ1_S, IQ2_*, IQ3_*): per 32 weights, the grid entries are looked
// up (scalar loads of 4 or 8 packed bytes) into one vector of magnitudes, the
// signs go onto the activations (sign_epi8), maddubs gives exact int16 pair
// sums (magnitudes <= 62, |a| <= 127) and madd multiplies them by the group's
// integer scale into int32 lanes. IQ1_S reads its {-1, 0, 1} grid values as the
// signs of all-ones magnitudes. The int32 lanes are those of the reference's
// x86 kernels and, as there, each block adds d_w * d_a * lanes into 8 float
// lanes (fused multiply-add), summed at the end: on the small random test models
// another split moves near-tied logits (tests/test_iq_golden.cpp).
//
// IQ4_XS does the same with the IQ4_NL levels; TQ1_0 decodes its base-3 digits
// with 16-bit multiplies and sums each block in integers (the scalar order).

struct IqGroup {
    __m256i w;      // unsigned magnitudes (< 128)
    __m256i sign;   // per byte: > 0 keep the activation, < 0 negate it, 0 drop it
    __m256i scale;  // int16 multiplier per maddubs pair (lanes 0..7: bytes 0..15)
};

// 8 sign bits per byte of `bits` -> sign_epi8 operands (-1 where set, +1 where not).
inline __m256i sign_operand(uint32_t bits) { return _mm256_or_si256(bits_to_bytes(bits), _mm256_set1_epi8(1)); }

// Four 7-bit sign indices (bits 0..27 of `packed`) -> the operand for 32 weights.
inline __m256i sign_operand7x4(uint32_t packed) {
    const uint64_t* t = kIQSignMultipliers.data();
    return _mm256_set_epi64x(int64_t(t[(packed >> 21) & 127]), int64_t(t[(packed >> 14) & 127]),
                             int64_t(t[(packed >> 7) & 127]), int64_t(t[packed & 127]));
}

inline __m256i scale16(int s) { return _mm256_set1_epi16(short(s)); }
inline __m256i scale16(int lo, int hi) { return _mm256_set_m128i(_mm_set1_epi16(short(hi)), _mm_set1_epi16(short(lo))); }

inline __m256i grid8x4(const uint64_t* grid, int i0, int i1, int i2, int i3) {
    return _mm256_set_epi64x(int64_t(grid[i3]), int64_t(grid[i2]), int64_t(grid[i1]), int64_t(grid[i0]));
}

template <class Block>
inline float block_scale(const Block& b) { return half(b.d); }

// factor * (sum over blocks of d_w * d_a * lanes + delta * extra(block,
// activations, d_w * d_a)), the lanes reduced at the end.
template <int C, class Block, class Group, class Extra>
void dotc_iq_grid(int64_t n, const void* wv, const void* const* av, float* out, float factor, Group group,
                  Extra extra) {
    const auto* x = static_cast<const Block*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    __m256 acc[C];
    zero(acc);
    float extra_sum[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(Block));
        __m256i isum[C];
        zero(isum);
        for (int ib = 0; ib < 8; ++ib) {
            const IqGroup g = group(x[i], ib);
            for (int c = 0; c < C; ++c) {
                const __m256i a = _mm256_sign_epi8(load32(y[c][i].qs + 32 * ib), g.sign);
                isum[c] = madd_acc(isum[c], _mm256_maddubs_epi16(g.w, a), g.scale);
            }
        }
        for (int c = 0; c < C; ++c) {
            const float d = block_scale(x[i]) * y[c][i].d;
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(isum[c]), acc[c]);
            extra_sum[c] += extra(x[i], y[c][i], d);
        }
    }
    for (int c = 0; c < C; ++c) out[c] = factor * (hsum(acc[c]) + kIQ1Delta * extra_sum[c]);
}

// The grid types without a delta term.
constexpr auto kNoExtra = [](const auto&, const BlockQ8_K&, float) { return 0.f; };

template <int C>
void dotc_iq2_xxs(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ2_XXS>(n, wv, av, out, 0.125f, [](const BlockIQ2_XXS& b, int ib) {
        uint32_t aux[2];
        std::memcpy(aux, b.qs + 4 * ib, 8);
        const auto* idx = reinterpret_cast<const uint8_t*>(&aux[0]);
        return IqGroup{grid8x4(kIQ2XXSGrid.data(), idx[0], idx[1], idx[2], idx[3]), sign_operand7x4(aux[1]),
                       scale16(2 * int(aux[1] >> 28) + 1)};
    }, kNoExtra);
}
LUMEN_DOT_ENTRY_POINTS(iq2_xxs)

template <int C>
void dotc_iq2_xs(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ2_XS>(n, wv, av, out, 0.125f, [](const BlockIQ2_XS& b, int ib) {
        const uint16_t* q = b.qs + 4 * ib;
        const uint64_t* t = kIQSignMultipliers.data();
        const __m256i signs = _mm256_set_epi64x(int64_t(t[q[3] >> 9]), int64_t(t[q[2] >> 9]), int64_t(t[q[1] >> 9]),
                                                int64_t(t[q[0] >> 9]));
        return IqGroup{grid8x4(kIQ2XSGrid.data(), q[0] & 511, q[1] & 511, q[2] & 511, q[3] & 511), signs,
                       scale16(2 * (b.scales[ib] & 0xF) + 1, 2 * (b.scales[ib] >> 4) + 1)};
    }, kNoExtra);
}
LUMEN_DOT_ENTRY_POINTS(iq2_xs)

template <int C>
void dotc_iq2_s(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ2_S>(n, wv, av, out, 0.125f, [](const BlockIQ2_S& b, int ib) {
        const uint8_t* qs = b.qs + 4 * ib;
        const int qh = b.qh[ib];
        uint32_t signs;
        std::memcpy(&signs, b.qs + QK_K / 8 + 4 * ib, 4);
        return IqGroup{grid8x4(kIQ2SGrid.data(), qs[0] | ((qh << 8) & 0x300), qs[1] | ((qh << 6) & 0x300),
                               qs[2] | ((qh << 4) & 0x300), qs[3] | ((qh << 2) & 0x300)),
                       sign_operand(signs), scale16(2 * (b.scales[ib] & 0xF) + 1, 2 * (b.scales[ib] >> 4) + 1)};
    }, kNoExtra);
}
LUMEN_DOT_ENTRY_POINTS(iq2_s)

template <int C>
void dotc_iq3_xxs(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ3_XXS>(n, wv, av, out, 0.25f, [](const BlockIQ3_XXS& b, int ib) {
        const uint8_t* q = b.qs + 8 * ib;
        const uint32_t* g = kIQ3XXSGrid.data();
        uint32_t aux;
        std::memcpy(&aux, b.qs + QK_K / 4 + 4 * ib, 4);
        const __m256i w = _mm256_set_epi32(int(g[q[7]]), int(g[q[6]]), int(g[q[5]]), int(g[q[4]]), int(g[q[3]]),
                                           int(g[q[2]]), int(g[q[1]]), int(g[q[0]]));
        return IqGroup{w, sign_operand7x4(aux), scale16(2 * int(aux >> 28) + 1)};
    }, kNoExtra);
}
LUMEN_DOT_ENTRY_POINTS(iq3_xxs)

template <int C>
void dotc_iq3_s(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ3_S>(n, wv, av, out, 1.f, [](const BlockIQ3_S& b, int ib) {
        const uint8_t* q = b.qs + 8 * ib;
        const uint32_t* g = kIQ3SGrid.data();
        const int qh = b.qh[ib];
        int idx[8];
        for (int k = 0; k < 8; ++k) idx[k] = q[k] | ((qh << (8 - k)) & 256);
        const __m256i w = _mm256_set_epi32(int(g[idx[7]]), int(g[idx[6]]), int(g[idx[5]]), int(g[idx[4]]),
                                           int(g[idx[3]]), int(g[idx[2]]), int(g[idx[1]]), int(g[idx[0]]));
        uint32_t signs;
        std::memcpy(&signs, b.signs + 4 * ib, 4);
        const int s = (b.scales[ib / 2] >> (4 * (ib % 2))) & 0xF;
        return IqGroup{w, sign_operand(signs), scale16(2 * s + 1)};
    }, kNoExtra);
}
LUMEN_DOT_ENTRY_POINTS(iq3_s)

template <int C>
void dotc_iq1_s(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_iq_grid<C, BlockIQ1_S>(n, wv, av, out, 1.f, [](const BlockIQ1_S& b, int ib) {
        const uint8_t* qs = b.qs + 4 * ib;
        const int qh = b.qh[ib];
        const __m256i grid = grid8x4(kIQ1SGrid.data(), qs[0] | ((qh << 8) & 0x700), qs[1] | ((qh << 5) & 0x700),
                                     qs[2] | ((qh << 2) & 0x700), qs[3] | ((qh >> 1) & 0x700));
        return IqGroup{_mm256_set1_epi8(1), grid, scale16(2 * ((qh >> 12) & 7) + 1)};
    }, [](const BlockIQ1_S& b, const BlockQ8_K& a, float d) {  // the delta term, from the 16-sums
        int sumi1 = 0;
        for (int ib = 0; ib < 8; ++ib) {
            const int ls = 2 * ((b.qh[ib] >> 12) & 7) + 1;
            sumi1 += ls * (b.qh[ib] & 0x8000 ? -1 : 1) * (a.bsums[2 * ib] + a.bsums[2 * ib + 1]);
        }
        return d * float(sumi1);
    });
}
LUMEN_DOT_ENTRY_POINTS(iq1_s)

// IQ1_M: as IQ1_S, with a scale per 16 weights and a delta sign per 8; the
// delta term gets its own int32 and float lanes (sign operands of +-1 bytes on
// all-ones magnitudes), added at the end as the reference does.
template <int C>
void dotc_iq1_m(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockIQ1_M*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const __m256i ones = _mm256_set1_epi8(1);
    auto delta64 = [](int bit) { return int64_t(bit ? 0xFFFFFFFFFFFFFFFFull : 0x0101010101010101ull); };
    __m256 acc[C], acc_delta[C];
    zero(acc);
    zero(acc_delta);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        __m256i isum[C], isum_delta[C];
        zero(isum);
        zero(isum_delta);
        for (int ib = 0; ib < 8; ++ib) {
            const uint8_t* qs = x[i].qs + 4 * ib;
            const uint8_t* qh = x[i].qh + 2 * ib;
            const __m256i grid = grid8x4(kIQ1SGrid.data(), qs[0] | ((qh[0] << 8) & 0x700), qs[1] | ((qh[0] << 4) & 0x700),
                                         qs[2] | ((qh[1] << 8) & 0x700), qs[3] | ((qh[1] << 4) & 0x700));
            const __m256i delta = _mm256_set_epi64x(delta64(qh[1] & 0x80), delta64(qh[1] & 0x08),
                                                    delta64(qh[0] & 0x80), delta64(qh[0] & 0x08));
            const __m256i s = scale16(2 * iq1_m_subscale(x[i], 2 * ib) + 1, 2 * iq1_m_subscale(x[i], 2 * ib + 1) + 1);
            for (int c = 0; c < C; ++c) {
                const __m256i a = load32(y[c][i].qs + 32 * ib);
                isum[c] = madd_acc(isum[c], _mm256_maddubs_epi16(ones, _mm256_sign_epi8(a, grid)), s);
                isum_delta[c] = madd_acc(isum_delta[c], _mm256_maddubs_epi16(ones, _mm256_sign_epi8(a, delta)), s);
            }
        }
        const float dx = half(iq1_m_scale_bits(x[i]));
        for (int c = 0; c < C; ++c) {
            const __m256 d = _mm256_set1_ps(y[c][i].d * dx);
            acc[c] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(isum[c]), acc[c]);
            acc_delta[c] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(isum_delta[c]), acc_delta[c]);
        }
    }
    for (int c = 0; c < C; ++c) out[c] = hsum(acc[c]) + kIQ1Delta * hsum(acc_delta[c]);
}
LUMEN_DOT_ENTRY_POINTS(iq1_m)

// IQ4_XS: the IQ4_NL levels by shuffle, signed x signed via the sign trick, the
// 6-bit group scales (minus 32) by madd; float lanes per block as the reference.
template <int C>
void dotc_iq4_xs(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockIQ4_XS*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const __m128i levels = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kIQ4NL));
    const __m256i table = _mm256_set_m128i(levels, levels);
    __m256 acc[C];
    zero(acc);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        __m256i isum[C];
        zero(isum);
        for (int ib = 0; ib < 8; ++ib) {
            const __m256i w = _mm256_shuffle_epi8(table, nibbles32(x[i].qs + 16 * ib));
            const __m256i aw = _mm256_sign_epi8(w, w);
            const __m256i s = scale16(iq4_xs_scale(x[i], ib) - 32);
            for (int c = 0; c < C; ++c) {
                const __m256i a = _mm256_sign_epi8(load32(y[c][i].qs + 32 * ib), w);
                isum[c] = madd_acc(isum[c], _mm256_maddubs_epi16(aw, a), s);
            }
        }
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c)
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(d * y[c][i].d), _mm256_cvtepi32_ps(isum[c]), acc[c]);
    }
    reduce(acc, out);
}
LUMEN_DOT_ENTRY_POINTS(iq4_xs)

// TQ1_0: byte * 3^k (mod 256), then the top two bits of (that * 3) are digit k
// (0..2). Per 16-bit lane: the even byte and the odd byte separately.
inline __m256i trits(__m256i v, int pow3) {
    const __m256i low8 = _mm256_set1_epi16(0x00FF);
    const __m256i p = _mm256_set1_epi16(short(pow3));
    const __m256i three = _mm256_set1_epi16(3);
    const __m256i even = _mm256_and_si256(_mm256_mullo_epi16(_mm256_and_si256(v, low8), p), low8);
    const __m256i odd = _mm256_and_si256(_mm256_mullo_epi16(_mm256_srli_epi16(v, 8), p), low8);
    const __m256i te = _mm256_srli_epi16(_mm256_mullo_epi16(even, three), 8);
    const __m256i to = _mm256_srli_epi16(_mm256_mullo_epi16(odd, three), 8);
    return _mm256_or_si256(te, _mm256_slli_epi16(to, 8));
}

template <int C>
void dotc_tq1_0(int64_t n, const void* wv, const void* const* av, float* out) {
    static constexpr int kPow3[5] = {1, 3, 9, 27, 81};
    const auto* x = static_cast<const BlockTQ1_0*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    float sumf[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        __m256i isum[C];
        zero(isum);
        const __m256i q32 = load32(x[i].qs);
        // qs[32..48) twice (low and high half) and qh[0..4) in the first 4 bytes.
        const __m128i q16 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].qs + 32));
        uint32_t qh;
        std::memcpy(&qh, x[i].qh, 4);
        for (int k = 0; k < 5; ++k) {
            const __m256i t = trits(q32, kPow3[k]);
            for (int c = 0; c < C; ++c) isum[c] = dot_u8s8_acc(isum[c], t, load32(y[c][i].qs + 32 * k));
        }
        // 80 values from qs[32..48): digits k and k+1 share a vector (16 bytes each).
        const __m256i q16x2 = _mm256_set_m128i(q16, q16);
        for (int k = 0; k < 5; k += 2) {
            __m256i t = trits(q16x2, kPow3[k]);
            if (k + 1 < 5) t = _mm256_blend_epi32(t, trits(q16x2, kPow3[k + 1]), 0xF0);
            else t = _mm256_blend_epi32(t, _mm256_setzero_si256(), 0xF0);
            for (int c = 0; c < C; ++c) {
                __m256i a = load32(y[c][i].qs + 160 + 16 * k);
                if (k + 1 >= 5) a = _mm256_blend_epi32(a, _mm256_setzero_si256(), 0xF0);
                isum[c] = dot_u8s8_acc(isum[c], t, a);
            }
        }
        // 16 values from qh: digit k of byte m is value 240 + 4k + m.
        int8_t tail[16];
        for (int k = 0; k < 4; ++k)
            for (int m = 0; m < 4; ++m)
                tail[4 * k + m] = int8_t((uint16_t(uint8_t(uint8_t(qh >> (8 * m)) * kPow3[k])) * 3) >> 8);
        const __m128i tv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tail));
        for (int c = 0; c < C; ++c) {
            const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(y[c][i].qs + 240));
            const __m128i p = _mm_madd_epi16(_mm_maddubs_epi16(tv, a), _mm_set1_epi16(1));
            int asum = 0;
            for (int g = 0; g < 16; ++g) asum += y[c][i].bsums[g];
            const int sum = hsum_i32(_mm256_add_epi32(isum[c], _mm256_set_m128i(_mm_setzero_si128(), p))) - asum;
            sumf[c] += float(sum) * (half(x[i].d) * y[c][i].d);
        }
    }
    for (int c = 0; c < C; ++c) out[c] = sumf[c];
}
LUMEN_DOT_ENTRY_POINTS(tq1_0)

// Registers the kernels above (called from fill_common).
void fill_iquants(KernelSet& ks) {
    using T = lumen::TensorType;
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
    LUMEN_SET_IQ_DOTS(IQ4_XS, iq4_xs)
    LUMEN_SET_IQ_DOTS(TQ1_0, tq1_0)
#undef LUMEN_SET_IQ_DOTS
}
