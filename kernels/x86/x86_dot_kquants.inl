// Dot products of the K-quants and TQ2_0 against Q8_K activations (part of the
// x86 kernel body; see x86_kernels.inl and x86_dot_blocks.inl for the dotc_
// scheme). Offsets (Q3_K's -4, Q6_K's -32, TQ2_0's -1) are subtracted per lane
// in integers, as the reference does, so no precision is lost to cancellation.

template <int C>
void dotc_q2_k(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ2_K*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    __m256 acc[C];
    zero(acc);
    float mins[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        int sc[16], mn[16];
        for (int g = 0; g < 16; ++g) {
            sc[g] = x[i].scales[g] & 0xF;
            mn[g] = x[i].scales[g] >> 4;
        }
        __m256i isum[C];
        for (int c = 0; c < C; ++c) isum[c] = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i q = load32(x[i].qs + 32 * h);
            for (int run = 0; run < 4; ++run) {
                const __m256i v = crumbs(q, run);
                const int g = 8 * h + 2 * run;
                for (int c = 0; c < C; ++c)
                    isum[c] = _mm256_add_epi32(
                        isum[c], dot_u8s8_scaled(v, load32(y[c][i].qs + 128 * h + 32 * run), sc[g], sc[g + 1]));
            }
        }
        const float d = half(x[i].d), dmin = half(x[i].dmin);
        for (int c = 0; c < C; ++c) {
            int m = 0;
            for (int g = 0; g < 16; ++g) m += mn[g] * y[c][i].bsums[g];
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(y[c][i].d * d), _mm256_cvtepi32_ps(isum[c]), acc[c]);
            mins[c] += y[c][i].d * dmin * float(m);
        }
    }
    for (int c = 0; c < C; ++c) out[c] = hsum(acc[c]) - mins[c];
}
LUMEN_DOT_ENTRY_POINTS(q2_k)

template <int C>
void dotc_q3_k(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ3_K*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    __m256 acc[C];
    zero(acc);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        int sc[16];
        for (int g = 0; g < 16; ++g) sc[g] = unpack_scale_q3_k(g, x[i].scales);
        const __m256i hmask = load32(x[i].hmask);
        __m256i isum[C];
        for (int c = 0; c < C; ++c) isum[c] = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i q = load32(x[i].qs + 32 * h);
            for (int run = 0; run < 4; ++run) {
                const int r = 4 * h + run;  // which hmask bit
                const __m256i bit = _mm256_set1_epi8(char(1 << r));
                const __m256i has_high = _mm256_cmpeq_epi8(_mm256_and_si256(hmask, bit), bit);
                // value = low bits - (high bit clear ? 4 : 0), subtracted per lane in integers.
                const __m256i minus4 = _mm256_andnot_si256(has_high, _mm256_set1_epi8(4));
                const __m256i low = crumbs(q, run);
                const int g = 2 * r;
                for (int c = 0; c < C; ++c) {
                    const __m256i a = load32(y[c][i].qs + 32 * r);
                    isum[c] = _mm256_add_epi32(isum[c], dot_u8s8_scaled(low, a, sc[g], sc[g + 1]));
                    isum[c] = _mm256_sub_epi32(isum[c], dot_u8s8_scaled(minus4, a, sc[g], sc[g + 1]));
                }
            }
        }
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c)
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(y[c][i].d * d), _mm256_cvtepi32_ps(isum[c]), acc[c]);
    }
    for (int c = 0; c < C; ++c) out[c] = hsum(acc[c]);
}
LUMEN_DOT_ENTRY_POINTS(q3_k)

// Q4_K and Q5_K: 8 groups of 32 with 6-bit scales and mins.
// `Block` is BlockQ4_K or BlockQ5_K; `values(i, chunk, lo, hi)` decodes the
// two 32-groups of 64-element chunk `chunk` of block i.
template <int C, class Block, class Values>
void dotc_q45_k(int64_t n, const Block* x, const void* const* av, float* out, Values values) {
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    __m256 acc[C];
    zero(acc);
    float mins[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        int sc[8], mn[8];
        for (int g = 0; g < 8; ++g) {
            uint8_t s, m;
            unpack_scale_min_k4(g, x[i].scales, s, m);
            sc[g] = s;
            mn[g] = m;
        }
        __m256i isum[C];
        for (int c = 0; c < C; ++c) isum[c] = _mm256_setzero_si256();
        for (int chunk = 0; chunk < 4; ++chunk) {
            __m256i lo, hi;
            values(i, chunk, lo, hi);
            for (int c = 0; c < C; ++c) {
                isum[c] = _mm256_add_epi32(
                    isum[c], dot_u8s8_scaled(lo, load32(y[c][i].qs + 64 * chunk), sc[2 * chunk], sc[2 * chunk]));
                isum[c] = _mm256_add_epi32(isum[c], dot_u8s8_scaled(hi, load32(y[c][i].qs + 64 * chunk + 32),
                                                                     sc[2 * chunk + 1], sc[2 * chunk + 1]));
            }
        }
        const float d = half(x[i].d), dmin = half(x[i].dmin);
        for (int c = 0; c < C; ++c) {
            int m = 0;
            for (int g = 0; g < 8; ++g) m += mn[g] * (y[c][i].bsums[2 * g] + y[c][i].bsums[2 * g + 1]);
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(y[c][i].d * d), _mm256_cvtepi32_ps(isum[c]), acc[c]);
            mins[c] += y[c][i].d * dmin * float(m);
        }
    }
    for (int c = 0; c < C; ++c) out[c] = hsum(acc[c]) - mins[c];
}

template <int C>
void dotc_q4_k(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ4_K*>(wv);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    dotc_q45_k<C>(n, x, av, out, [x, mask](int64_t i, int chunk, __m256i& lo, __m256i& hi) {
                      const __m256i q = load32(x[i].qs + 32 * chunk);
                      lo = _mm256_and_si256(q, mask);
                      hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), mask);
                  });
}
LUMEN_DOT_ENTRY_POINTS(q4_k)

template <int C>
void dotc_q5_k(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ5_K*>(wv);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    dotc_q45_k<C>(n, x, av, out, [x, mask](int64_t i, int chunk, __m256i& lo, __m256i& hi) {
                      const __m256i q = load32(x[i].qs + 32 * chunk);
                      const __m256i qh = load32(x[i].qh);
                      const __m256i b0 = _mm256_set1_epi8(char(1 << (2 * chunk)));
                      const __m256i b1 = _mm256_set1_epi8(char(1 << (2 * chunk + 1)));
                      const __m256i sixteen = _mm256_set1_epi8(16);
                      const __m256i h0 = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, b0), b0), sixteen);
                      const __m256i h1 = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(qh, b1), b1), sixteen);
                      lo = _mm256_or_si256(_mm256_and_si256(q, mask), h0);
                      hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), mask), h1);
                  });
}
LUMEN_DOT_ENTRY_POINTS(q5_k)

template <int C>
void dotc_q6_k(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ6_K*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    const __m256i k32 = _mm256_set1_epi8(32);
    __m256 acc[C];
    zero(acc);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        __m256i isum[C];
        for (int c = 0; c < C; ++c) isum[c] = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i l0 = load32(x[i].ql + 64 * h), l1 = load32(x[i].ql + 64 * h + 32);
            const __m256i hb = load32(x[i].qh + 32 * h);
            const __m256i low[4] = {_mm256_and_si256(l0, mask), _mm256_and_si256(l1, mask),
                                    _mm256_and_si256(_mm256_srli_epi16(l0, 4), mask),
                                    _mm256_and_si256(_mm256_srli_epi16(l1, 4), mask)};
            for (int run = 0; run < 4; ++run) {
                // Stored value 0..63 means value - 32; the 32 comes off per lane in integers.
                const __m256i v = _mm256_or_si256(low[run], _mm256_slli_epi16(crumbs(hb, run), 4));
                const int g = 8 * h + 2 * run;
                const int s_lo = x[i].scales[g], s_hi = x[i].scales[g + 1];
                for (int c = 0; c < C; ++c) {
                    const __m256i a = load32(y[c][i].qs + 128 * h + 32 * run);
                    isum[c] = _mm256_add_epi32(isum[c], dot_u8s8_scaled(v, a, s_lo, s_hi));
                    isum[c] = _mm256_sub_epi32(isum[c], dot_u8s8_scaled(k32, a, s_lo, s_hi));
                }
            }
        }
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c)
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(y[c][i].d * d), _mm256_cvtepi32_ps(isum[c]), acc[c]);
    }
    for (int c = 0; c < C; ++c) out[c] = hsum(acc[c]);
}
LUMEN_DOT_ENTRY_POINTS(q6_k)

template <int C>
void dotc_tq2_0(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockTQ2_0*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const __m256i one = _mm256_set1_epi8(1);
    __m256 acc[C];
    zero(acc);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        __m256i isum[C];
        for (int c = 0; c < C; ++c) isum[c] = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i q = load32(x[i].qs + 32 * h);
            for (int run = 0; run < 4; ++run) {
                // Stored 0..2 means -1..+1: subtract the activations per lane.
                const __m256i v = crumbs(q, run);
                for (int c = 0; c < C; ++c) {
                    const __m256i a = load32(y[c][i].qs + 128 * h + 32 * run);
                    isum[c] = _mm256_add_epi32(isum[c], dot_u8s8(v, a));
                    isum[c] = _mm256_sub_epi32(isum[c], dot_u8s8(one, a));
                }
            }
        }
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c)
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(y[c][i].d * d), _mm256_cvtepi32_ps(isum[c]), acc[c]);
    }
    for (int c = 0; c < C; ++c) out[c] = hsum(acc[c]);
}
LUMEN_DOT_ENTRY_POINTS(tq2_0)
