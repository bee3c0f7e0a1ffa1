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

// Scores for head size 64 * S in dot_f16_512's order (64 lanes as 4
// accumulators, added 0+2, 1+3, 0+1, then the halving tree; no remainder).
template <int S>
void dots_ordered_regs(const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    __m512 qf[4 * S];
    for (int i = 0; i < 4 * S; ++i) qf[i] = load_f16x16(q + 16 * i);
    auto key = [&](const uint16_t* kj) {
        __m512 a[4];
        for (int c = 0; c < 4; ++c) a[c] = _mm512_fmadd_ps(qf[c], load_f16x16(kj + 16 * c), _mm512_setzero_ps());
        for (int s = 1; s < S; ++s)
            for (int c = 0; c < 4; ++c) a[c] = _mm512_fmadd_ps(qf[4 * s + c], load_f16x16(kj + 64 * s + 16 * c), a[c]);
        return _mm512_add_ps(_mm512_add_ps(a[0], a[2]), _mm512_add_ps(a[1], a[3]));
    };
    int j = 0;
    for (; j + 16 <= count; j += 16) {
        __m512 x[16];
        for (int t = 0; t < 16; ++t) x[t] = key(k + size_t(j + t) * k_stride);
        halving_sums16(x, out + j);
    }
    for (; j < count; ++j) out[j] = dot_f16_512(64 * S, q, k + size_t(j) * k_stride);
}

void dots_f16_ordered_512(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    if (n == 64) return dots_ordered_regs<1>(q, k, k_stride, count, out);
    if (n == 128) return dots_ordered_regs<2>(q, k, k_stride, count, out);
    if (n == 256) return dots_ordered_regs<4>(q, k, k_stride, count, out);
    for (int j = 0; j < count; ++j) out[j] = dot_f16_512(n, q, k + size_t(j) * k_stride);
}

// Scores for head size 16 * S in the prompt GEMM's order (batch_dot_f16: one
// 16-lane accumulator of fused multiply-adds from zero, then the halving tree).
template <int S>
void dots_gemm_regs(const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    __m512 qf[S];
    for (int i = 0; i < S; ++i) qf[i] = load_f16x16(q + 16 * i);
    auto key = [&](const uint16_t* kj) {
        __m512 a = _mm512_setzero_ps();
        for (int s = 0; s < S; ++s) a = _mm512_fmadd_ps(load_f16x16(kj + 16 * s), qf[s], a);
        return a;
    };
    int j = 0;
    for (; j + 16 <= count; j += 16) {
        __m512 x[16];
        for (int t = 0; t < 16; ++t) x[t] = key(k + size_t(j + t) * k_stride);
        halving_sums16(x, out + j);
    }
    for (; j < count; ++j) out[j] = batch_dot_f16(16 * S, k + size_t(j) * k_stride, q);
}

void dots_f16_gemm_512(int n, const uint16_t* q, const uint16_t* k, size_t k_stride, int count, float* out) {
    if (n == 64) return dots_gemm_regs<4>(q, k, k_stride, count, out);
    if (n == 128) return dots_gemm_regs<8>(q, k, k_stride, count, out);
    if (n == 256) return dots_gemm_regs<16>(q, k, k_stride, count, out);
    for (int j = 0; j < count; ++j) out[j] = batch_dot_f16(n, k + size_t(j) * k_stride, q);
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
