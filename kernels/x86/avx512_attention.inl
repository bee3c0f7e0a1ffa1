// AVX-512 attention kernels over the F16 KV cache (dispatch.hpp: DotsF16OrderedFn,
// DotsF16GemmFn, WeightedLanesF16Fn), in the reference's summation orders.
// Included inside avx512.cpp's anonymous namespace, after reduce_4x16 and
// dot_f16_512.
//
// Scores: the per-key horizontal sum is the expensive part of a 64-element dot,
// so 16 keys are reduced at once by a transposing network that performs, for
// each key, exactly the additions of the one-vector halving tree (lanes
// l + 8, then + 4, + 2, + 1), 15 additions for 16 keys instead of 16 trees.
// V sums: each lane row is loaded once per four chunks of positions and the
// V rows are read in position order, so the hardware prefetchers follow them.

inline __m512 load_f16x16(const uint16_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

// out[j] = the halving tree of the 16 lanes of x[j], j < 16.
inline void halving_sums16(const __m512* x, float* out) {
    __m512 y[8], z[4], w[2];
    for (int m = 0; m < 8; ++m)  // + 8: keys 2m, 2m + 1 in lanes 0-7, 8-15
        y[m] = _mm512_add_ps(_mm512_shuffle_f32x4(x[2 * m], x[2 * m + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_f32x4(x[2 * m], x[2 * m + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    for (int m = 0; m < 4; ++m)  // + 4: keys 4m .. 4m + 3 one per 128-bit quarter
        z[m] = _mm512_add_ps(_mm512_shuffle_f32x4(y[2 * m], y[2 * m + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_f32x4(y[2 * m], y[2 * m + 1], _MM_SHUFFLE(3, 1, 3, 1)));
    for (int m = 0; m < 2; ++m)  // + 2: quarter q holds keys 8m + q, 8m + 4 + q (two lanes each)
        w[m] = _mm512_add_ps(_mm512_shuffle_ps(z[2 * m], z[2 * m + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_ps(z[2 * m], z[2 * m + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    // + 1: lane 4q + c holds key 4c + q; put the keys in order.
    const __m512 s = _mm512_add_ps(_mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(3, 1, 3, 1)));
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    _mm512_storeu_ps(out, _mm512_permutexvar_ps(order, s));
}

// The 16 lanes whose halving tree is one score, head size 64 * S; q(i) and
// k(i) give query and key elements i .. i + 15 as floats. The vec_dot order
// (kGemm false): 64 lanes as 4 accumulators, added 0+2, 1+3, 0+1 (no
// remainder: n % 64 == 0). The prompt GEMM's (kGemm true, batch_dot_f16): one
// 16-lane accumulator of fused multiply-adds from zero.
template <int S, bool kGemm, class Q, class K>
inline __m512 score_lanes(Q q, K k) {
    if constexpr (kGemm) {
        __m512 a = _mm512_setzero_ps();
        for (int i = 0; i < 64 * S; i += 16) a = _mm512_fmadd_ps(k(i), q(i), a);
        return a;
    } else {
        __m512 a[4];
        for (int c = 0; c < 4; ++c) a[c] = _mm512_fmadd_ps(q(16 * c), k(16 * c), _mm512_setzero_ps());
        for (int s = 1; s < S; ++s)
            for (int c = 0; c < 4; ++c) a[c] = _mm512_fmadd_ps(q(64 * s + 16 * c), k(64 * s + 16 * c), a[c]);
        return _mm512_add_ps(_mm512_add_ps(a[0], a[2]), _mm512_add_ps(a[1], a[3]));
    }
}

// One key's score the one-at-a-time way (the tails past the last 16 keys).
template <bool kGemm>
inline float score_one(int n, const uint16_t* q, const uint16_t* kj) {
    return kGemm ? batch_dot_f16(n, kj, q) : dot_f16_512(n, q, kj);
}

// Scores of one query, head size 64 * S, the query widened in registers.
template <int S, bool kGemm>
void dots_regs(const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    __m512 qf[4 * S];
    for (int i = 0; i < 4 * S; ++i) qf[i] = load_f16x16(q + 16 * i);
    int j = 0;
    for (; j + 16 <= count; j += 16) {
        __m512 x[16];
        for (int t = 0; t < 16; ++t) {
            const uint16_t* kj = k + size_t(j + t) * k_stride;
            x[t] = score_lanes<S, kGemm>([&](int i) { return qf[i / 16]; }, [kj](int i) { return load_f16x16(kj + i); });
        }
        halving_sums16(x, out + j);
    }
    for (; j < count; ++j) out[j] = score_one<kGemm>(64 * S, q, k + size_t(j) * k_stride);
}

template <bool kGemm>
void dots_one_512(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    if (n == 64) return dots_regs<1, kGemm>(q, k, k_stride, count, out);
    if (n == 128) return dots_regs<2, kGemm>(q, k, k_stride, count, out);
    if (n == 256) return dots_regs<4, kGemm>(q, k, k_stride, count, out);
    for (int j = 0; j < count; ++j) out[j] = score_one<kGemm>(n, q, k + size_t(j) * k_stride);
}

void dots_f16_ordered_512(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    dots_one_512<false>(n, q, k, k_stride, count, out);
}

void dots_f16_gemm_512(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    dots_one_512<true>(n, q, k, k_stride, count, out);
}

// Weighted V lanes for head sizes 16 * K: four chunks of n_lanes positions at a
// time, so each lane row is loaded and stored once per four positions; the
// F16-rounded weights of those chunks are computed 16 at a time first.
template <int K>
void weighted_lanes_regs(float* lanes, int n_lanes, const float* p, float scale, const uint16_t* v, size_t v_stride,
                         int n_pos) {
    constexpr int kChunks = 4;
    alignas(64) float wt[kChunks * 64];
    const __m512 sc = _mm512_set1_ps(scale);
    auto add_position = [&](__m512* a, float w, int j) {
        const __m512 wv = _mm512_set1_ps(w);
        const uint16_t* row = v + size_t(j) * v_stride;
        for (int c = 0; c < K; ++c) a[c] = _mm512_fmadd_ps(wv, load_f16x16(row + 16 * c), a[c]);
    };
    int base = 0;
    for (; base + kChunks * n_lanes <= n_pos; base += kChunks * n_lanes) {
        for (int i = 0; i < kChunks * n_lanes; i += 16) {
            const __m512 x = _mm512_mul_ps(_mm512_loadu_ps(p + base + i), sc);
            _mm512_store_ps(wt + i, _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)));
        }
        for (int l = 0; l < n_lanes; ++l) {
            float* row = lanes + size_t(l) * 16 * K;
            __m512 a[K];
            for (int c = 0; c < K; ++c) a[c] = _mm512_loadu_ps(row + 16 * c);
            for (int ch = 0; ch < kChunks; ++ch) add_position(a, wt[ch * n_lanes + l], base + ch * n_lanes + l);
            for (int c = 0; c < K; ++c) _mm512_storeu_ps(row + 16 * c, a[c]);
        }
    }
    for (int j = base; j < n_pos; ++j) {
        float* row = lanes + size_t(j % n_lanes) * 16 * K;
        __m512 a[K];
        for (int c = 0; c < K; ++c) a[c] = _mm512_loadu_ps(row + 16 * c);
        add_position(a, round_f16(p[j] * scale), j);
        for (int c = 0; c < K; ++c) _mm512_storeu_ps(row + 16 * c, a[c]);
    }
}

void weighted_lanes_f16_512(float* lanes, int n_lanes, const float* p, float scale, const uint16_t* v, size_t v_stride,
                            int n_pos, int n) {
    if (n_lanes <= 64) {
        if (n == 64) return weighted_lanes_regs<4>(lanes, n_lanes, p, scale, v, v_stride, n_pos);
        if (n == 128) return weighted_lanes_regs<8>(lanes, n_lanes, p, scale, v, v_stride, n_pos);
        if (n == 256) return weighted_lanes_regs<16>(lanes, n_lanes, p, scale, v, v_stride, n_pos);
    }
    weighted_lanes_f16(lanes, n_lanes, p, scale, v, v_stride, n_pos, n);  // the 8-lane version
}

// ---- grouped-query attention: n_q query heads over the same keys and values ----------
// Each key / V row is widened to float once into a small buffer and used by every
// query head of the group (a KV head serves 4-8 query heads in most models); the
// per-head arithmetic, and so every bit of the results, is the one-query kernels'.
constexpr int kMaxGroup = 16;

// Scores of query heads q + g * n (g < n_q) against keys j < count, head size
// 64 * S, into out[g * out_stride + j]: the vec_dot order (kGemm false) or the
// prompt GEMM's (kGemm true).
template <int S, bool kGemm>
void dots_group_regs(const uint16_t* q, int n_q, const uint16_t* k, size_t k_stride, int count, float* out,
                     size_t out_stride) {
    constexpr int W = 64 * S;
    alignas(64) float qf[kMaxGroup * W];
    alignas(64) float kb[16 * W];
    for (int i = 0; i < n_q * W; i += 16) _mm512_store_ps(qf + i, load_f16x16(q + i));
    int j = 0;
    for (; j + 16 <= count; j += 16) {
        for (int t = 0; t < 16; ++t)
            for (int i = 0; i < W; i += 16) _mm512_store_ps(kb + t * W + i, load_f16x16(k + size_t(j + t) * k_stride + i));
        for (int g = 0; g < n_q; ++g) {
            __m512 x[16];
            const float* qg = qf + g * W;
            for (int t = 0; t < 16; ++t) {
                const float* kj = kb + t * W;
                x[t] = score_lanes<S, kGemm>([qg](int i) { return _mm512_load_ps(qg + i); },
                                             [kj](int i) { return _mm512_load_ps(kj + i); });
            }
            halving_sums16(x, out + size_t(g) * out_stride + j);
        }
    }
    for (; j < count; ++j)
        for (int g = 0; g < n_q; ++g)
            out[size_t(g) * out_stride + j] = score_one<kGemm>(W, q + g * W, k + size_t(j) * k_stride);
}

template <bool kGemm>
void dots_group_512(int n, const uint16_t* q, int n_q, const uint16_t* k, size_t k_stride, int count, float* out,
                    size_t out_stride) {
    for (int g0 = 0; g0 < n_q; g0 += kMaxGroup) {
        const int m = std::min(kMaxGroup, n_q - g0);
        const uint16_t* qg = q + size_t(g0) * size_t(n);
        float* og = out + size_t(g0) * out_stride;
        if (n == 64) dots_group_regs<1, kGemm>(qg, m, k, k_stride, count, og, out_stride);
        else if (n == 128) dots_group_regs<2, kGemm>(qg, m, k, k_stride, count, og, out_stride);
        else if (n == 256) dots_group_regs<4, kGemm>(qg, m, k, k_stride, count, og, out_stride);
        else
            for (int g = 0; g < m; ++g)
                dots_one_512<kGemm>(n, qg + size_t(g) * size_t(n), k, k_stride, count, og + size_t(g) * out_stride);
    }
}

void dots_f16_ordered_group_512(int n, const uint16_t* q, int n_q, const uint16_t* k, size_t k_stride, int count,
                                float* out, size_t out_stride) {
    dots_group_512<false>(n, q, n_q, k, k_stride, count, out, out_stride);
}

void dots_f16_gemm_group_512(int n, const uint16_t* q, int n_q, const uint16_t* k, size_t k_stride, int count,
                             float* out, size_t out_stride) {
    dots_group_512<true>(n, q, n_q, k, k_stride, count, out, out_stride);
}

// Weighted V lanes of n_q heads (head size 16 * K): as weighted_lanes_regs, with
// the four rows of a lane step widened once for all heads.
template <int K>
void weighted_lanes_group_regs(float* lanes, size_t lanes_stride, int n_lanes, const float* p, size_t p_stride,
                               const float* scale, int n_q, const uint16_t* v, size_t v_stride, int n_pos) {
    constexpr int kChunks = 4, W = 16 * K;
    alignas(64) float wt[kMaxGroup * kChunks * 64];
    alignas(64) float vb[kChunks * W];
    auto widen = [&](float* dst, int j) {
        for (int c = 0; c < K; ++c) _mm512_store_ps(dst + 16 * c, load_f16x16(v + size_t(j) * v_stride + 16 * c));
    };
    const int span = kChunks * n_lanes;
    int base = 0;
    for (; base + span <= n_pos; base += span) {
        for (int g = 0; g < n_q; ++g) {
            const __m512 sc = _mm512_set1_ps(scale[g]);
            for (int i = 0; i < span; i += 16) {
                const __m512 x = _mm512_mul_ps(_mm512_loadu_ps(p + size_t(g) * p_stride + size_t(base + i)), sc);
                _mm512_store_ps(wt + g * span + i,
                                _mm512_cvtph_ps(_mm512_cvtps_ph(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)));
            }
        }
        for (int l = 0; l < n_lanes; ++l) {
            for (int ch = 0; ch < kChunks; ++ch) widen(vb + ch * W, base + ch * n_lanes + l);
            for (int g = 0; g < n_q; ++g) {
                float* row = lanes + size_t(g) * lanes_stride + size_t(l) * W;
                __m512 a[K];
                for (int c = 0; c < K; ++c) a[c] = _mm512_loadu_ps(row + 16 * c);
                for (int ch = 0; ch < kChunks; ++ch) {
                    const __m512 wv = _mm512_set1_ps(wt[g * span + ch * n_lanes + l]);
                    for (int c = 0; c < K; ++c) a[c] = _mm512_fmadd_ps(wv, _mm512_load_ps(vb + ch * W + 16 * c), a[c]);
                }
                for (int c = 0; c < K; ++c) _mm512_storeu_ps(row + 16 * c, a[c]);
            }
        }
    }
    for (int j = base; j < n_pos; ++j) {
        widen(vb, j);
        for (int g = 0; g < n_q; ++g) {
            float* row = lanes + size_t(g) * lanes_stride + size_t(j % n_lanes) * W;
            const __m512 wv = _mm512_set1_ps(round_f16(p[size_t(g) * p_stride + size_t(j)] * scale[g]));
            for (int c = 0; c < K; ++c)
                _mm512_storeu_ps(row + 16 * c, _mm512_fmadd_ps(wv, _mm512_load_ps(vb + 16 * c), _mm512_loadu_ps(row + 16 * c)));
        }
    }
}

void weighted_lanes_f16_group_512(float* lanes, size_t lanes_stride, int n_lanes, const float* p, size_t p_stride,
                                  const float* scale, int n_q, const uint16_t* v, size_t v_stride, int n_pos, int n) {
    for (int g0 = 0; g0 < n_q; g0 += kMaxGroup) {
        const int m = std::min(kMaxGroup, n_q - g0);
        float* lg = lanes + size_t(g0) * lanes_stride;
        const float* pg = p + size_t(g0) * p_stride;
        if (n_lanes <= 64 && n == 64) weighted_lanes_group_regs<4>(lg, lanes_stride, n_lanes, pg, p_stride, scale + g0, m, v, v_stride, n_pos);
        else if (n_lanes <= 64 && n == 128) weighted_lanes_group_regs<8>(lg, lanes_stride, n_lanes, pg, p_stride, scale + g0, m, v, v_stride, n_pos);
        else if (n_lanes <= 64 && n == 256) weighted_lanes_group_regs<16>(lg, lanes_stride, n_lanes, pg, p_stride, scale + g0, m, v, v_stride, n_pos);
        else
            for (int g = 0; g < m; ++g)
                weighted_lanes_f16_512(lg + size_t(g) * lanes_stride, n_lanes, pg + size_t(g) * p_stride, scale[g0 + g], v,
                                       v_stride, n_pos, n);
    }
}
