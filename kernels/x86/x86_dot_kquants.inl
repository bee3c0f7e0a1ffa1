// Dot products of the K-quants and TQ2_0 against Q8_K activations (part of the
// x86 kernel body; see x86_kernels.inl and x86_dot_blocks.inl for the dotc_
// scheme).
//
// Per 32 weights: maddubs gives 16 int16 pair sums (exact: weights < 64 here),
// and madd_acc multiplies them by the groups' int16 scales while adding into
// int32 lanes. Scales are unpacked once per block into
// a table that pick16 broadcasts from, all in vector registers.
//
// Offsets are subtracted in integers, so nothing is lost to cancellation:
// TQ2_0's -1 and the Q2_K/Q4_K/Q5_K minimums once per block from the
// activations' 16-element sums (bsums); Q3_K's -4 and Q6_K's -32 per run, in
// the int16 pair sums. Which int32 lane each partial sum lands in follows the
// reference's x86 kernels: the lanes are summed in float, and on small random
// models a different split flips near-tied greedy tokens (tests/golden).

// The int16 entry j of each 128-bit half of `table`, in all 8 lanes of that half.
inline __m256i pick16(__m256i table, int j) {
    return _mm256_shuffle_epi8(table, _mm256_set1_epi16(short(((2 * j + 1) << 8) | (2 * j))));
}

// 16 per-group scale bytes (group g covers weights 16g..16g+15) -> the table
// for 32-weight runs: run j covers groups 2j (low half) and 2j + 1 (high half),
// so the low half holds the even groups' scales and the high half the odd ones.
template <bool Signed>
inline __m256i run_scale_table(__m128i scales) {
    const __m128i even_odd = _mm_shuffle_epi8(scales, _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15));
    return Signed ? _mm256_cvtepi8_epi16(even_odd) : _mm256_cvtepu8_epi16(even_odd);
}

inline __m256i load_bsums(const BlockQ8_K& y) { return load32(y.bsums); }

template <int C>
inline void zero(__m256i (&v)[C]) {
    for (int c = 0; c < C; ++c) v[c] = _mm256_setzero_si256();
}

// 2-bit runs "in place" (Q2_K, Q3_K): run r of 32 bytes masked without
// shifting it down, so its values come out times 4^r (run 3: shifted by 2, so
// times 16). Scale tables multiplied by 16, 4, 1, 1 make every run's products
// 16x the true ones; the float scale takes the 1/16 back (a power of two: the
// same bits as unshifted values). Saves a shift per run.
constexpr int kRunShift[4] = {0, 2, 4, 4};  // where each run's bit 0 lands

inline __m256i crumbs_in_place(__m256i q, int run) {
    if (run < 3) return _mm256_and_si256(q, _mm256_set1_epi8(char(3 << (2 * run))));
    return _mm256_and_si256(_mm256_srli_epi16(q, 2), _mm256_set1_epi8(0x30));
}

struct InPlaceScales {
    __m256i run[4];
    explicit InPlaceScales(__m256i table)
        : run{_mm256_slli_epi16(table, 4), _mm256_slli_epi16(table, 2), table, table} {}
};

// acc += d_w * d_a * isum - dmin_w * d_a * msum (lane-wise; reduced at the end).
inline __m256 accumulate_block(__m256 acc, float d, float dmin, float da, __m256i isum, __m256i msum) {
    acc = _mm256_fmadd_ps(_mm256_set1_ps(da * d), _mm256_cvtepi32_ps(isum), acc);
    return _mm256_fnmadd_ps(_mm256_set1_ps(da * dmin), _mm256_cvtepi32_ps(msum), acc);
}

template <int C>
inline void reduce(const __m256 (&acc)[C], float* out) {
    for (int c = 0; c < C; ++c) out[c] = hsum(acc[c]);
}

template <int C>
void dotc_q2_k(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ2_K*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const __m128i low4 = _mm_set1_epi8(0x0F);
    __m256 acc[C];
    zero(acc);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        const __m128i packed = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].scales));
        const InPlaceScales scaled(run_scale_table<false>(_mm_and_si128(packed, low4)));
        const __m256i mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), low4));
        __m256i isum[C];
        zero(isum);
        for (int h = 0; h < 2; ++h) {
            const __m256i q = load32_once(x[i].qs + 32 * h);
            for (int run = 0; run < 4; ++run) {
                const __m256i v = crumbs_in_place(q, run);
                const __m256i s = pick16(scaled.run[run], 4 * h + run);
                for (int c = 0; c < C; ++c)
                    isum[c] = madd_acc(isum[c], _mm256_maddubs_epi16(v, load32(y[c][i].qs + 128 * h + 32 * run)), s);
            }
        }
        const __m128 dd = _mm_cvtph_ps(_mm_cvtsi32_si128(int(uint32_t(x[i].d) | uint32_t(x[i].dmin) << 16)));
        const float d = _mm_cvtss_f32(dd) * (1.f / 16), dmin = _mm_cvtss_f32(_mm_movehdup_ps(dd));
        for (int c = 0; c < C; ++c)
            acc[c] = accumulate_block(acc[c], d, dmin, y[c][i].d, isum[c], _mm256_madd_epi16(mins, load_bsums(y[c][i])));
    }
    reduce(acc, out);
}
LUMEN_DOT_ENTRY_POINTS(q2_k)

// The 16 signed 6-bit scales of a Q3_K block, in order (unpack_scale_q3_k for
// all groups at once): low 4 bits are the nibbles of bytes 0..7 (low nibbles
// for groups 0..7, high for 8..15); the top 2 bits of group g are bits
// 2*(g/4)..+1 of byte 8 + g%4.
inline __m128i q3_k_scales(const uint8_t* s) {
    const __m128i low4 = _mm_set1_epi8(0x0F);
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s));
    const __m128i low = _mm_unpacklo_epi64(_mm_and_si128(b, low4), _mm_and_si128(_mm_srli_epi16(b, 4), low4));
    uint32_t top;
    std::memcpy(&top, s + 8, 4);
    const __m128i spread = _mm_srlv_epi32(_mm_set1_epi32(int(top)), _mm_setr_epi32(0, 2, 4, 6));
    const __m128i high = _mm_slli_epi16(_mm_and_si128(spread, _mm_set1_epi8(3)), 4);
    return _mm_sub_epi8(_mm_or_si128(low, high), _mm_set1_epi8(32));
}

template <int C>
void dotc_q3_k(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ3_K*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    __m256 acc[C];
    zero(acc);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        const __m128i sc8 = q3_k_scales(x[i].scales);
        const InPlaceScales scaled(run_scale_table<true>(sc8));
        const __m256i hmask = load32(x[i].hmask);
        __m256i isum[C];
        zero(isum);
        for (int h = 0; h < 2; ++h) {
            const __m256i q = load32_once(x[i].qs + 32 * h);
            for (int run = 0; run < 4; ++run) {
                // Stored: 2 low bits + high bit (bit r of hmask) worth 4, moved to
                // sit above the run's low bits in place. The value is that - 4.
                const int r = 4 * h + run, to = kRunShift[run] + 2;
                const __m256i moved = to >= r ? _mm256_slli_epi16(hmask, to - r) : _mm256_srli_epi16(hmask, r - to);
                const __m256i high = _mm256_and_si256(moved, _mm256_set1_epi8(char(1 << to)));
                const __m256i v = _mm256_or_si256(crumbs_in_place(q, run), high);
                const __m256i s = pick16(scaled.run[run], r);
                for (int c = 0; c < C; ++c)
                    isum[c] = madd_acc(isum[c], _mm256_maddubs_epi16(v, load32(y[c][i].qs + 32 * r)), s);
            }
        }
        // The -4 of every value, 16x like the sums: 64 * sum(scale * bsum).
        const __m256i sc16 = _mm256_cvtepi8_epi16(sc8);
        const float d = half(x[i].d) * (1.f / 16);
        for (int c = 0; c < C; ++c) {
            const __m256i offset = _mm256_slli_epi32(_mm256_madd_epi16(sc16, load_bsums(y[c][i])), 6);
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(y[c][i].d * d), _mm256_cvtepi32_ps(_mm256_sub_epi32(isum[c], offset)),
                                     acc[c]);
        }
    }
    reduce(acc, out);
}
LUMEN_DOT_ENTRY_POINTS(q3_k)

// Q4_K and Q5_K: 8 groups of 32 with 6-bit scales and mins.
// `Block` is BlockQ4_K or BlockQ5_K; `values(i, chunk, lo, hi)` decodes the
// two 32-groups of 64-element chunk `chunk` of block i. The minimums' float
// sum follows the reference: 4 lanes for Q4_K (kLaneMins), one scalar for Q5_K.
template <int C, bool kLaneMins, class Block, class Values>
void dotc_q45_k(int64_t n, const Block* x, const void* const* av, float* out, Values values) {
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    __m256 acc[C];
    zero(acc);
    __m128 acc_min[C];
    for (int c = 0; c < C; ++c) acc_min[c] = _mm_setzero_ps();
    float min_sum[C] = {};
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        // The 12 scale bytes as three words: 6-bit scales/mins of groups 0..3 sit
        // in the low 6 bits of words 0/1; groups 4..7 take 4 bits from word 2 and
        // their top 2 bits from the spare top bits of words 0/1.
        uint32_t s[3];
        std::memcpy(s, x[i].scales, 12);
        const uint32_t sc03 = s[0] & 0x3f3f3f3f, mn03 = s[1] & 0x3f3f3f3f;
        const uint32_t sc47 = (s[2] & 0x0f0f0f0f) | ((s[0] >> 2) & 0x30303030);
        const uint32_t mn47 = ((s[2] >> 4) & 0x0f0f0f0f) | ((s[1] >> 2) & 0x30303030);
        const __m128i packed = _mm_set_epi32(int(mn47), int(mn03), int(sc47), int(sc03));
        const __m256i scales = _mm256_broadcastsi128_si256(_mm_cvtepu8_epi16(packed));
        const __m128i mins = _mm_cvtepu8_epi16(_mm_srli_si128(packed, 8));
        __m256i isum[C];
        zero(isum);
        for (int chunk = 0; chunk < 4; ++chunk) {
            __m256i lo, hi;
            values(i, chunk, lo, hi);
            const __m256i s_lo = pick16(scales, 2 * chunk), s_hi = pick16(scales, 2 * chunk + 1);
            for (int c = 0; c < C; ++c) {
                const int8_t* a = y[c][i].qs + 64 * chunk;
                isum[c] = madd_acc(isum[c], _mm256_maddubs_epi16(lo, load32(a)), s_lo);
                isum[c] = madd_acc(isum[c], _mm256_maddubs_epi16(hi, load32(a + 32)), s_hi);
            }
        }
        const float d = half(x[i].d), dmin = half(x[i].dmin);
        for (int c = 0; c < C; ++c) {
            // Each min covers two bsums: add them pairwise, then 4 lanes of min x sum.
            const __m128i* b = reinterpret_cast<const __m128i*>(y[c][i].bsums);
            const __m128i sums = _mm_hadd_epi16(_mm_loadu_si128(b), _mm_loadu_si128(b + 1));
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(y[c][i].d * d), _mm256_cvtepi32_ps(isum[c]), acc[c]);
            const __m128i m = _mm_madd_epi16(mins, sums);
            if constexpr (kLaneMins) {
                acc_min[c] = _mm_fmadd_ps(_mm_set1_ps(-y[c][i].d * dmin), _mm_cvtepi32_ps(m), acc_min[c]);
            } else {
                __m128i t = _mm_add_epi32(m, _mm_shuffle_epi32(m, 0x4e));
                t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xb1));
                min_sum[c] += -y[c][i].d * dmin * float(_mm_cvtsi128_si32(t));
            }
        }
    }
    for (int c = 0; c < C; ++c) {
        __m128 m = _mm_add_ps(acc_min[c], _mm_movehl_ps(acc_min[c], acc_min[c]));
        m = _mm_add_ss(m, _mm_movehdup_ps(m));
        out[c] = hsum(acc[c]) + (kLaneMins ? _mm_cvtss_f32(m) : min_sum[c]);
    }
}

template <int C>
void dotc_q4_k(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ4_K*>(wv);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    dotc_q45_k<C, true>(n, x, av, out, [x, mask](int64_t i, int chunk, __m256i& lo, __m256i& hi) {
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
    dotc_q45_k<C, false>(n, x, av, out, [x, mask](int64_t i, int chunk, __m256i& lo, __m256i& hi) {
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

// One Q6_K super-block's integer sums, 32 weights per step, from its run
// scale table (avx512.cpp has a twin with two runs per step: same lanes).
template <int C>
inline void q6_k_sums(const BlockQ6_K& x, __m256i scales, const BlockQ8_K* const* y, int64_t i, __m256i* isum) {
    const __m256i mask = _mm256_set1_epi8(0x0F);
    const __m256i k32 = _mm256_set1_epi8(32);
    for (int h = 0; h < 2; ++h) {
        const __m256i l0 = load32_once(x.ql + 64 * h), l1 = load32_once(x.ql + 64 * h + 32);
        const __m256i hb = load32_once(x.qh + 32 * h);
        const __m256i low[4] = {_mm256_and_si256(l0, mask), _mm256_and_si256(l1, mask),
                                _mm256_and_si256(_mm256_srli_epi16(l0, 4), mask),
                                _mm256_and_si256(_mm256_srli_epi16(l1, 4), mask)};
        for (int run = 0; run < 4; ++run) {
            // Stored value 0..63 means value - 32: subtracted in the int16 pair sums.
            // The high bits (2 run, 2 run + 1 of qh) go straight to bits 4, 5.
            const __m256i moved = run < 2 ? _mm256_slli_epi16(hb, 4 - 2 * run) : _mm256_srli_epi16(hb, 2 * run - 4);
            const __m256i v = _mm256_or_si256(low[run], _mm256_and_si256(moved, _mm256_set1_epi8(0x30)));
            const __m256i s = pick16(scales, 4 * h + run);
            for (int c = 0; c < C; ++c) {
                const __m256i a = load32(y[c][i].qs + 128 * h + 32 * run);
                const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(v, a), _mm256_maddubs_epi16(k32, a));
                isum[c] = madd_acc(isum[c], p, s);
            }
        }
    }
}

// `sums(x[i], table, y, i, isum)` adds block i's integer sums into isum
// (zeroed), from its run scale table. Always inlined: one function holds the
// whole block loop (also what bench/mca/extract_loop.py looks for).
template <int C, class Sums>
__attribute__((always_inline)) inline void dotc_q6_k_with(int64_t n, const void* wv, const void* const* av, float* out,
                                                          Sums sums) {
    const auto* x = static_cast<const BlockQ6_K*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    __m256 acc[C];
    zero(acc);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        const __m128i sc8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x[i].scales));
        __m256i isum[C];
        zero(isum);
        sums(x[i], run_scale_table<true>(sc8), y, i, isum);
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c)
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(y[c][i].d * d), _mm256_cvtepi32_ps(isum[c]), acc[c]);
    }
    reduce(acc, out);
}

template <int C>
void dotc_q6_k(int64_t n, const void* wv, const void* const* av, float* out) {
    dotc_q6_k_with<C>(n, wv, av, out, [](const BlockQ6_K& x, __m256i scales, const BlockQ8_K* const* y, int64_t i,
                                         __m256i* isum) { q6_k_sums<C>(x, scales, y, i, isum); });
}
LUMEN_DOT_ENTRY_POINTS(q6_k)

template <int C>
void dotc_tq2_0(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockTQ2_0*>(wv);
    const BlockQ8_K* y[C];
    activation_blocks(av, y);
    const __m256i ones16 = _mm256_set1_epi16(1);
    __m256 acc[C];
    zero(acc);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        prefetch_ahead(x, size_t(i) * sizeof(*x));
        // Runs 1 and 3 stay in place (bits 2-3: times 4), so a half takes one
        // shift instead of three; two accumulation chains, runs 0 and 2 (times 1)
        // and runs 1 and 3 (times 4), joined as 4 x the sum: the float scale
        // takes the 4 back (a power of two: the same bits).
        __m256i isum[2][C];
        zero(isum[0]);
        zero(isum[1]);
        const __m256i field0 = _mm256_set1_epi8(0x03), field1 = _mm256_set1_epi8(0x0C);
        for (int h = 0; h < 2; ++h) {
            const __m256i q = load32_once(x[i].qs + 32 * h);
            const __m256i q_hi = _mm256_srli_epi16(q, 4);
            // Stored 0..2 means -1..+1: the activations' sum comes off below.
            const __m256i v[4] = {_mm256_and_si256(q, field0), _mm256_and_si256(q, field1),
                                  _mm256_and_si256(q_hi, field0), _mm256_and_si256(q_hi, field1)};
            for (int run = 0; run < 4; ++run)
                for (int c = 0; c < C; ++c)
                    isum[run % 2][c] = dot_u8s8_acc(isum[run % 2][c], v[run], load32(y[c][i].qs + 128 * h + 32 * run));
        }
        const float d = half(x[i].d);
        for (int c = 0; c < C; ++c) {
            const __m256i offset = _mm256_madd_epi16(load_bsums(y[c][i]), ones16);
            const __m256i total4 = _mm256_add_epi32(_mm256_slli_epi32(_mm256_sub_epi32(isum[0][c], offset), 2), isum[1][c]);
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(y[c][i].d * d * 0.25f), _mm256_cvtepi32_ps(total4), acc[c]);
        }
    }
    reduce(acc, out);
}
LUMEN_DOT_ENTRY_POINTS(tq2_0)
