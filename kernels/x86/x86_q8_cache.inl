// Attention over a Q8_0 KV cache (dispatch.hpp: DotsQ8_0Fn, WeightedSumQ8_0Fn),
// part of the x86 kernel body (x86_kernels.inl). The steps are
// q8_cache_math.hpp's, so every ISA gives the scalar twins' bits
// (scalar/q8_cache.cpp; tests/test_kernels_simd.cpp).

constexpr int kQ8CacheMaxBlocks = 16;  // head sizes up to 512 (larger ones: the scalar twins)
constexpr int kQ8CacheMaxHeads = 32;   // query heads per pass over the keys

// Rows r[0..7] of 8 dwords -> c[i] = dword i of every row, row t in lane t.
inline void transpose_8x8_dwords(const __m256i (&r)[8], __m256i (&c)[8]) {
    const __m256i t0 = _mm256_unpacklo_epi32(r[0], r[1]), t1 = _mm256_unpackhi_epi32(r[0], r[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(r[2], r[3]), t3 = _mm256_unpackhi_epi32(r[2], r[3]);
    const __m256i t4 = _mm256_unpacklo_epi32(r[4], r[5]), t5 = _mm256_unpackhi_epi32(r[4], r[5]);
    const __m256i t6 = _mm256_unpacklo_epi32(r[6], r[7]), t7 = _mm256_unpackhi_epi32(r[6], r[7]);
    const __m256i u[8] = {_mm256_unpacklo_epi64(t0, t2), _mm256_unpackhi_epi64(t0, t2),
                          _mm256_unpacklo_epi64(t1, t3), _mm256_unpackhi_epi64(t1, t3),
                          _mm256_unpacklo_epi64(t4, t6), _mm256_unpackhi_epi64(t4, t6),
                          _mm256_unpacklo_epi64(t5, t7), _mm256_unpackhi_epi64(t5, t7)};
    for (int i = 0; i < 4; ++i) {
        c[i] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x20);
        c[i + 4] = _mm256_permute2x128_si256(u[i], u[i + 4], 0x31);
    }
}

// Scores of up to kQ8CacheMaxHeads queries, 8 keys at a time with one key per
// int32 lane: the 8 keys' bytes of a block are transposed as 8 x 8 dwords, so
// chunk c holds bytes 4c..4c+3 of every key, and one dot instruction against
// the query's dword c (broadcast) adds four products into each key's lane. No
// horizontal sums, and the transposed keys serve every query head. With
// full-byte dots (VNNI) the keys are biased by 128 to unsigned and 128 x the
// query block's sum is taken back off; otherwise the signs move onto the query.
void q8_cache_scores(int nb, const BlockQ8_0* q, int n_q, const std::byte* k, size_t k_stride, int count, float* out,
                     size_t out_stride) {
    float q_d[kQ8CacheMaxHeads][kQ8CacheMaxBlocks];
    int32_t q_bias[kQ8CacheMaxHeads][kQ8CacheMaxBlocks];
    for (int g = 0; g < n_q; ++g)
        for (int b = 0; b < nb; ++b) {
            const BlockQ8_0& blk = q[g * nb + b];
            q_d[g][b] = half(blk.d);
            if constexpr (kDotTakesFullBytes) {  // (the biased keys' correction)
                int32_t sum = 0;
                for (int i = 0; i < QK; ++i) sum += blk.qs[i];
                q_bias[g][b] = 128 * sum;
            }
        }
    __m256i keys_t[kQ8CacheMaxBlocks][8], keys_abs[kQ8CacheMaxBlocks][8];
    __m256 keys_d[kQ8CacheMaxBlocks];
    for (int j = 0; j < count; j += 8) {
        const int keys = std::min(8, count - j);
        for (int b = 0; b < nb; ++b) {
            __m256i r[8];
            alignas(16) uint16_t d16[8] = {};
            for (int t = 0; t < 8; ++t) {
                if (t >= keys) {
                    r[t] = _mm256_setzero_si256();
                    continue;
                }
                const auto* blk = reinterpret_cast<const BlockQ8_0*>(k + size_t(j + t) * k_stride) + b;
                r[t] = load32(blk->qs);
                d16[t] = blk->d;
            }
            transpose_8x8_dwords(r, keys_t[b]);
            for (int c = 0; c < 8; ++c) {
                if constexpr (kDotTakesFullBytes)
                    keys_t[b][c] = _mm256_xor_si256(keys_t[b][c], _mm256_set1_epi8(char(0x80)));
                else
                    keys_abs[b][c] = _mm256_sign_epi8(keys_t[b][c], keys_t[b][c]);
            }
            keys_d[b] = _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(d16)));
        }
        for (int g = 0; g < n_q; ++g) {
            __m256 s = _mm256_setzero_ps();
            for (int b = 0; b < nb; ++b) {
                const int8_t* qs = q[g * nb + b].qs;
                __m256i acc[2] = {_mm256_setzero_si256(), _mm256_setzero_si256()};
                for (int c = 0; c < 8; ++c) {
                    const __m256i qc = bcast4(qs + 4 * c);
                    if constexpr (kDotTakesFullBytes)
                        acc[c & 1] = dot_u8s8_acc(acc[c & 1], keys_t[b][c], qc);
                    else
                        acc[c & 1] = dot_u8s8_acc(acc[c & 1], keys_abs[b][c], _mm256_sign_epi8(qc, keys_t[b][c]));
                }
                __m256i isum = _mm256_add_epi32(acc[0], acc[1]);
                if constexpr (kDotTakesFullBytes) isum = _mm256_sub_epi32(isum, _mm256_set1_epi32(q_bias[g][b]));
                const __m256 t = _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(isum), keys_d[b]), _mm256_set1_ps(q_d[g][b]));
                s = _mm256_add_ps(s, t);
            }
            float* o = out + size_t(g) * out_stride + size_t(j);
            if (keys == 8) {
                _mm256_storeu_ps(o, s);
            } else {
                alignas(32) float tmp[8];
                _mm256_store_ps(tmp, s);
                std::copy(tmp, tmp + keys, o);
            }
        }
    }
}

void dots_q8_0(int n, const void* q, int n_q, const void* k, size_t k_stride, int count, float* out, size_t out_stride) {
    const int nb = n / QK;
    if (nb > kQ8CacheMaxBlocks) return ref::dots_q8_0(n, q, n_q, k, k_stride, count, out, out_stride);
    const auto* queries = static_cast<const BlockQ8_0*>(q);
    for (int g0 = 0; g0 < n_q; g0 += kQ8CacheMaxHeads)
        q8_cache_scores(nb, queries + size_t(g0) * size_t(nb), std::min(kQ8CacheMaxHeads, n_q - g0),
                        static_cast<const std::byte*>(k), k_stride, count, out + size_t(g0) * out_stride, out_stride);
}

// round_to_16_bits (q8_cache_math.hpp) on 8 lanes.
inline __m256 round_to_16_bits(__m256 x) {
    __m256i u = _mm256_castps_si256(x);
    const __m256i odd = _mm256_and_si256(_mm256_srli_epi32(u, 8), _mm256_set1_epi32(1));
    u = _mm256_add_epi32(u, _mm256_add_epi32(_mm256_set1_epi32(0x7F), odd));
    return _mm256_castsi256_ps(_mm256_and_si256(u, _mm256_set1_epi32(~0xFF)));
}

// 8-float vectors for the weighted V sum (avx512.cpp has a 16-float twin):
// kHeads heads' kDims outputs each stay in registers while the rows pass
// (AVX2 has 16 vector registers: 2 x 4 accumulators, 4 rows' values, 2 weights).
struct Float8 {
    using V = __m256;
    static constexpr int kW = 8, kHeads = 2, kDims = 32;
    static V load(const float* p) { return _mm256_load_ps(p); }
    static V loadu(const float* p) { return _mm256_loadu_ps(p); }
    static void storeu(float* p, V v) { _mm256_storeu_ps(p, v); }
    static V set1(float x) { return _mm256_set1_ps(x); }
    static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
    static void widen32(const int8_t* q, float* out) {  // 32 int8 -> float (exact)
        for (int i = 0; i < QK; i += 8) {
            const __m128i q8 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(q + i));
            _mm256_store_ps(out + i, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(q8)));
        }
    }
};

using Q8CacheWeights = float[kQ8CacheMaxBlocks][8];  // one head's w per block and row of a tile
using Q8CacheRows = float[8][kQ8CacheMaxBlocks * QK];  // a tile's V rows widened to float

// Outputs d0 .. d0 + Dims - 1 of `Heads` heads (o[h], weights w[h]) updated
// by the tile's `keys` rows, in row order: every row's values are loaded once
// for the heads, and a block's weight is broadcast once per head.
template <class Vec, int Heads, int Dims>
inline void accumulate_rows(float* const* o, const Q8CacheWeights* w, const Q8CacheRows& vf, int keys, int d0) {
    constexpr int kPerBlock = QK / Vec::kW, kN = Dims / Vec::kW;
    typename Vec::V acc[Heads][kN];
    for (int h = 0; h < Heads; ++h)
        for (int i = 0; i < kN; ++i) acc[h][i] = Vec::loadu(o[h] + d0 + i * Vec::kW);
    for (int t = 0; t < keys; ++t)
        for (int b = 0; b < Dims / QK; ++b) {
            typename Vec::V x[kPerBlock];
            for (int i = 0; i < kPerBlock; ++i) x[i] = Vec::load(vf[t] + d0 + b * QK + i * Vec::kW);
            for (int h = 0; h < Heads; ++h) {
                const typename Vec::V wt = Vec::set1(w[h][d0 / QK + b][t]);
                for (int i = 0; i < kPerBlock; ++i) acc[h][b * kPerBlock + i] = Vec::fmadd(wt, x[i], acc[h][b * kPerBlock + i]);
            }
        }
    for (int h = 0; h < Heads; ++h)
        for (int i = 0; i < kN; ++i) Vec::storeu(o[h] + d0 + i * Vec::kW, acc[h][i]);
}

// All outputs of heads o[0 .. Heads-1]: chunks of Vec::kDims, a last one of 32.
template <class Vec, int Heads>
inline void accumulate_heads(float* const* o, const Q8CacheWeights* w, const Q8CacheRows& vf, int keys, int n) {
    int d0 = 0;
    for (; d0 + Vec::kDims <= n; d0 += Vec::kDims) accumulate_rows<Vec, Heads, Vec::kDims>(o, w, vf, keys, d0);
    for (; d0 < n; d0 += QK) accumulate_rows<Vec, Heads, QK>(o, w, vf, keys, d0);
}

// The weighted V sum, 8 rows at a time: the rows are widened to float once
// (exact) for every head; each head's weights w are made for the 8 rows in
// one vector per block, and Vec::kHeads heads' outputs are updated together
// (fused multiply-adds of exact products: the scalar steps' bits).
template <class Vec>
void weighted_sum_q8_0(float* out, const float* p, size_t p_stride, const float* scale, int n_q, const void* v,
                       size_t v_stride, int count, int n) {
    const int nb = n / QK;
    if (nb > kQ8CacheMaxBlocks) return ref::weighted_sum_q8_0(out, p, p_stride, scale, n_q, v, v_stride, count, n);
    const auto* rows = static_cast<const std::byte*>(v);
    alignas(64) Q8CacheRows vf;
    alignas(64) Q8CacheWeights w[Vec::kHeads];
    for (int j = 0; j < count; j += 8) {
        const int keys = std::min(8, count - j);
        alignas(16) uint16_t d16[kQ8CacheMaxBlocks][8] = {};
        for (int t = 0; t < keys; ++t) {
            const auto* row = reinterpret_cast<const BlockQ8_0*>(rows + size_t(j + t) * v_stride);
            for (int b = 0; b < nb; ++b) {
                d16[b][t] = row[b].d;
                Vec::widen32(row[b].qs, vf[t] + b * QK);
            }
        }
        __m256 dv[kQ8CacheMaxBlocks];
        for (int b = 0; b < nb; ++b) dv[b] = _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(d16[b])));
        for (int g0 = 0; g0 < n_q; g0 += Vec::kHeads) {
            const int heads = std::min(Vec::kHeads, n_q - g0);
            float* o[Vec::kHeads];
            for (int h = 0; h < heads; ++h) {
                const int g = g0 + h;
                o[h] = out + size_t(g) * size_t(n);
                const float* pg_row = p + size_t(g) * p_stride + size_t(j);
                __m256 pg;
                if (keys == 8) {
                    pg = _mm256_loadu_ps(pg_row);
                } else {
                    alignas(32) float pj[8] = {};
                    for (int t = 0; t < keys; ++t) pj[t] = pg_row[t];
                    pg = _mm256_load_ps(pj);
                }
                pg = _mm256_mul_ps(pg, _mm256_set1_ps(scale[g]));
                for (int b = 0; b < nb; ++b) _mm256_store_ps(w[h][b], round_to_16_bits(_mm256_mul_ps(pg, dv[b])));
            }
            if (heads == Vec::kHeads) accumulate_heads<Vec, Vec::kHeads>(o, w, vf, keys, n);
            else
                for (int h = 0; h < heads; ++h) accumulate_heads<Vec, 1>(o + h, w + h, vf, keys, n);
        }
    }
}
