// AVX-512 attention kernels over the F16 KV cache (dispatch.hpp: DotsF16OrderedFn,
// DotsF16GemmFn, WeightedLanesF16Fn), in the reference's summation orders.
// Included inside avx512.cpp's anonymous namespace, after reduce_4x16 and
// dot_f16_512.
//
// Scores: the per-key horizontal sum is the expensive part of a 64-element dot,
// so 16 keys are reduced at once by a transposing network that performs, for
// each key, exactly the additions of the one-vector halving tree (lanes
// l + 8, then + 4, + 2, + 1), 15 additions for 16 keys instead of 16 trees.
// The arithmetic is fused multiply-adds and those additions: at 4 x 512-bit
// FMAs per 64-element score, the FMA units are the bound (docs/kernels.md).
// V sums: each lane row is loaded once per four (one head) or eight (a group of
// heads, whose wider V step is shared) chunks of positions, and the
// V rows are read in position order, so the hardware prefetchers follow them.

inline __m512 load_f16x16(const uint16_t* p) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

// The halving tree of the 16 lanes of x[t], for 16 keys t, as one vector of 16
// scores, in four steps: + 8 (keys t, t + 1 in lanes 0-7, 8-15), + 4 (keys t ..
// t + 3 one per 128-bit quarter), + 2 (quarter c holds keys t + c, t + 4 + c, two
// lanes each), + 1 (lane 4c + r holds key 4r + c; permuted into key order).
// Scores16 takes the keys in order and combines each pair as soon as it is
// complete, so at most four partial vectors per head are live.
__attribute__((always_inline)) inline __m512 halve8(__m512 u, __m512 v) {
    return _mm512_add_ps(_mm512_shuffle_f32x4(u, v, _MM_SHUFFLE(1, 0, 1, 0)), _mm512_shuffle_f32x4(u, v, _MM_SHUFFLE(3, 2, 3, 2)));
}
__attribute__((always_inline)) inline __m512 halve4(__m512 u, __m512 v) {
    return _mm512_add_ps(_mm512_shuffle_f32x4(u, v, _MM_SHUFFLE(2, 0, 2, 0)), _mm512_shuffle_f32x4(u, v, _MM_SHUFFLE(3, 1, 3, 1)));
}
__attribute__((always_inline)) inline __m512 halve2(__m512 u, __m512 v) {
    return _mm512_add_ps(_mm512_shuffle_ps(u, v, _MM_SHUFFLE(1, 0, 1, 0)), _mm512_shuffle_ps(u, v, _MM_SHUFFLE(3, 2, 3, 2)));
}
// The last step; the final + 0 turns a -0 into the +0 the reference gets (its
// lanes start from +0; ours from a product, which may be -0): the same bits.
__attribute__((always_inline)) inline __m512 halve1(__m512 u, __m512 v) {
    const __m512 s = _mm512_add_ps(_mm512_shuffle_ps(u, v, _MM_SHUFFLE(2, 0, 2, 0)), _mm512_shuffle_ps(u, v, _MM_SHUFFLE(3, 1, 3, 1)));
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    return _mm512_add_ps(_mm512_permutexvar_ps(order, s), _mm512_setzero_ps());
}

template <int G>
struct Scores16 {
    __m512 x[G], y[G], z[G], w[G];  // the pending left halves of each step
    // Adds key t's lanes (per head g < G); after key 15, done(g) holds the scores.
    __attribute__((always_inline)) inline void add(int t, const __m512* lanes) {
        for (int g = 0; g < G; ++g) {
            if (t % 2 == 0) { x[g] = lanes[g]; continue; }
            const __m512 a = halve8(x[g], lanes[g]);
            if (t % 4 == 1) { y[g] = a; continue; }
            const __m512 b = halve4(y[g], a);
            if (t % 8 == 3) { z[g] = b; continue; }
            const __m512 c = halve2(z[g], b);
            if (t == 7) { w[g] = c; continue; }
            w[g] = halve1(w[g], c);
        }
    }
    __m512 done(int g) const { return w[g]; }
};

// Where scores16 reads key t's vector i (elements 16i .. 16i + 15): widened
// keys in an L1 buffer (the grouped kernel, which widens each block once for
// every head), or the cache's F16 rows, widened as they are read (one head).
template <int W>
struct WidenedKeys {
    const float* k;
    __attribute__((always_inline)) __m512 operator()(int i) const { return _mm512_load_ps(k + 16 * i); }
    __attribute__((always_inline)) WidenedKeys at(int t) const { return {k + t * W}; }
};
struct CacheKeys {
    const uint16_t* k;
    size_t stride;
    __attribute__((always_inline)) __m512 operator()(int i) const { return load_f16x16(k + 16 * i); }
    __attribute__((always_inline)) CacheKeys at(int t) const { return {k + size_t(t) * stride, stride}; }
};

// The 16 lanes whose halving tree is one score, head size 64 * S; q[i] holds
// query elements 16i .. 16i + 15 as floats, key(i) the key's. F16 x F16
// products are exact in float, so a product added to a sum is one fused
// multiply-add. The vec_dot order (kGemm false): 64 lanes as 4 accumulators,
// added 0+2, 1+3, 0+1 (no remainder: n % 64 == 0). The prompt GEMM's (kGemm
// true, batch_dot_f16): one 16-lane accumulator of fused multiply-adds.
template <int S, bool kGemm, class Key>
__attribute__((always_inline)) inline __m512 score_lanes(const __m512* q, Key key) {
    if constexpr (kGemm) {
        __m512 a = _mm512_mul_ps(key(0), q[0]);
        for (int i = 1; i < 4 * S; ++i) a = _mm512_fmadd_ps(key(i), q[i], a);
        return a;
    } else if constexpr (S == 1) {
        return _mm512_add_ps(_mm512_fmadd_ps(q[0], key(0), _mm512_mul_ps(q[2], key(2))),
                             _mm512_fmadd_ps(q[1], key(1), _mm512_mul_ps(q[3], key(3))));
    } else {
        __m512 a[4];
        for (int c = 0; c < 4; ++c) a[c] = _mm512_mul_ps(q[c], key(c));
        for (int s = 1; s < S; ++s)
            for (int c = 0; c < 4; ++c) a[c] = _mm512_fmadd_ps(q[4 * s + c], key(4 * s + c), a[c]);
        return _mm512_add_ps(_mm512_add_ps(a[0], a[2]), _mm512_add_ps(a[1], a[3]));
    }
}

// The scores of G heads (queries q + g * 4 * S, widened) against 16 keys
// (keys.at(t), t < 16), into out[g * out_stride + t].
template <int S, bool kGemm, int G, class Keys>
__attribute__((always_inline)) inline void scores16(const __m512* q, Keys keys, float* out, size_t out_stride) {
    Scores16<G> sc;
#pragma GCC unroll 16
    for (int t = 0; t < 16; ++t) {
        __m512 x[G];
        for (int g = 0; g < G; ++g) x[g] = score_lanes<S, kGemm>(q + g * 4 * S, keys.at(t));
        sc.add(t, x);
    }
    for (int g = 0; g < G; ++g) _mm512_storeu_ps(out + size_t(g) * out_stride, sc.done(g));
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
    for (; j + 16 <= count; j += 16) scores16<S, kGemm, 1>(qf, CacheKeys{k + size_t(j) * k_stride, k_stride}, out + j, 0);
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
// prompt GEMM's (kGemm true). Each block of 16 keys is widened once into kb;
// G heads at a time (two while their queries fit in registers) share each key
// vector loaded from it.
template <int S, bool kGemm>
void dots_group_regs(const uint16_t* q, int n_q, const uint16_t* k, size_t k_stride, int count, float* out,
                     size_t out_stride) {
    constexpr int W = 64 * S, G = S <= 2 ? 2 : 1;
    alignas(64) float qf[kMaxGroup * W];  // the queries, widened once
    alignas(64) float kb[16 * W];
    alignas(64) float tail[G * 16];  // the scores of a last group short of G heads
    for (int i = 0; i < n_q * W; i += 16) _mm512_store_ps(qf + i, load_f16x16(q + i));
    int j = 0;
    for (; j + 16 <= count; j += 16) {
        for (int t = 0; t < 16; ++t)
            for (int i = 0; i < W; i += 16) _mm512_store_ps(kb + t * W + i, load_f16x16(k + size_t(j + t) * k_stride + i));
        for (int g = 0; g < n_q; g += G) {
            const int m = std::min(G, n_q - g);
            __m512 qg[G * 4 * S];
            for (int i = 0; i < G * 4 * S; ++i)
                qg[i] = i < m * 4 * S ? _mm512_load_ps(qf + g * W + 16 * i) : _mm512_setzero_ps();
            float* o = out + size_t(g) * out_stride + j;
            // (kb is the same for every head; hidden from the optimizer, which would
            // otherwise keep all 16 * 4 * S of its vectors across this loop and spill them)
            const float* kbg = kb;
            asm("" : "+r"(kbg));
            if (m == G) {
                scores16<S, kGemm, G>(qg, WidenedKeys<W>{kbg}, o, out_stride);
            } else {
                scores16<S, kGemm, G>(qg, WidenedKeys<W>{kbg}, tail, 16);
                for (int h = 0; h < m; ++h) std::copy(tail + 16 * h, tail + 16 * h + 16, o + size_t(h) * out_stride);
            }
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
// the eight rows of a lane step widened once for all heads (each head's lane row is
// then loaded and stored once per eight positions).
template <int K>
void weighted_lanes_group_regs(float* lanes, size_t lanes_stride, int n_lanes, const float* p, size_t p_stride,
                               const float* scale, int n_q, const uint16_t* v, size_t v_stride, int n_pos) {
    constexpr int kChunks = 8, W = 16 * K;
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
