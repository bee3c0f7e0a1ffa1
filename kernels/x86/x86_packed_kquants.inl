// Packed Q4_K and Q5_K (BlockQ4_Kx8, BlockQ5_Kx8; part of the x86 kernel body): the 8 int32 lanes
// hold the 8 rows. Chunk 8k + c of a super-block holds 4 quant bytes of each
// row: its low nibbles meet activation bytes 64k + 4c.. (broadcast) and its
// high nibbles bytes 64k + 32 + 4c.., each as 16-bit pair sums multiplied by
// the rows' scale of that sub-block: that is what lane c of the reference's
// per-row kernel adds, so the packed kernel keeps one int32 and one float
// accumulator per lane and reduces them with the reference's tree at the end
// (ref::gemm_q4_k_x8, gemm_q5_k_x8): the per-row kernel's bits, 8 rows per
// instruction. Q5_K's fifth bits come from 4 qh bytes per row and chunk
// column (bit s: sub-block s), moved to bit 4 with one shift each.

// Every cache line of a packed super-block, kPrefetchSuperBlockBytes ahead (the
// blocks span 11-27 lines; a first-line prefetch alone leaves the rest to
// demand loads).
template <class Packed>
inline void prefetch_lines_ahead(const Packed& blk) {
    const char* ahead = reinterpret_cast<const char*>(&blk) + kPrefetchSuperBlockBytes;
#pragma GCC unroll 32
    for (int l = 0; l < int(kSoftwarePrefetch ? sizeof(Packed) : 0); l += 64) _mm_prefetch(ahead + l, LUMEN_PREFETCH_HINT);
}

// The order a packed kernel walks the chunks of a super-block. step(p, l)
// adds chunk p of lane l into lane l's integer sums (parts p are sub-block
// pairs or halves), finish(l) turns lane l's sums into its float accumulator.
// Lane by lane (l outer) needs one lane's sums at a time, but reads the
// chunks 8p + l with a stride; part by part (p outer) reads the chunks in
// memory order and keeps all 8 lanes' sums, each with its own dependency
// chain. Both add the same integers, so the results are the same bits. The
// kernels walk part by part where it was measured to pay: a single activation,
// the registers for 8 lane sums (kLaneSumsInRegisters), and the weights left
// to the hardware prefetchers (on an AMD Zen 4 core packed Q4_K, Q5_K and
// TQ2_0 then streamed from memory 20-60 % faster; docs/kernels.md, session 11).
// With software prefetch the lines are in L1 before either walk reaches them,
// and llvm-mca gives the part-by-part walk more instructions (8 lane sums'
// set-up, some spills): Intel cores keep the lane-by-lane walk.
template <int C>
inline constexpr bool kWalkFrontToBack = C == 1 && kLaneSumsInRegisters && !kSoftwarePrefetch;

template <bool kFrontToBack, int kParts, class Step, class Finish>
inline void walk_lanes(Step&& step, Finish&& finish) {
    if constexpr (kFrontToBack) {
#pragma GCC unroll 4
        for (int p = 0; p < kParts; ++p)
#pragma GCC unroll 8
            for (int l = 0; l < 8; ++l) step(p, l);
#pragma GCC unroll 8
        for (int l = 0; l < 8; ++l) finish(l);
    } else {
#pragma GCC unroll 8
        for (int l = 0; l < 8; ++l) {
#pragma GCC unroll 4
            for (int p = 0; p < kParts; ++p) step(p, l);
            finish(l);
        }
    }
}

// The reference's sum of 8 float lanes, here 8 vectors whose lanes are rows:
// i + (i + 4), then + 2, then + 1. V is __m256 or __m512 (GCC and Clang add
// their vector types lane by lane with +).
template <class V>
inline V sum8_halving(const V (&a)[8]) {
    return ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
}

// Scale bytes of one sub-block (8 rows) -> int16 pairs (scale_r, scale_r) in
// lane r, the multiplier of the pair sums of row r.
inline __m256i q4_k_scale_pairs(const uint8_t* scales8) {
    const __m256i dup = _mm256_setr_epi8(0, -1, 0, -1, 1, -1, 1, -1, 2, -1, 2, -1, 3, -1, 3, -1,  //
                                         4, -1, 4, -1, 5, -1, 5, -1, 6, -1, 6, -1, 7, -1, 7, -1);
    int64_t bytes;
    std::memcpy(&bytes, scales8, 8);
    return _mm256_shuffle_epi8(_mm256_set1_epi64x(bytes), dup);
}

// Bit s of every byte of v at bit 4 (other bits zero).
inline __m256i fifth_bit(__m256i v, int s) {
    const __m256i moved = s <= 4 ? _mm256_slli_epi16(v, 4 - s) : _mm256_srli_epi16(v, s - 4);
    return _mm256_and_si256(moved, _mm256_set1_epi8(0x10));
}

template <int C, class Packed, bool kLaneMins>
void gemmc_k4_x8(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    constexpr bool kFifthBits = std::is_same_v<Packed, BlockQ5_Kx8>;
    const auto* w = static_cast<const Packed*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    __m256 acc[C][8], acc_min[C][4], min_sum[C];
    for (int t = 0; t < C; ++t) {
        for (int l = 0; l < 8; ++l) acc[t][l] = _mm256_setzero_ps();
        for (int k = 0; k < 4; ++k) acc_min[t][k] = _mm256_setzero_ps();
        min_sum[t] = _mm256_setzero_ps();
    }
    const int64_t nb = cols / QK_K;
    for (int64_t b = 0; b < nb; ++b) {
        const Packed& blk = w[b];
        prefetch_lines_ahead(blk);
        __m256i scale[8];
        for (int s = 0; s < 8; ++s) scale[s] = q4_k_scale_pairs(blk.scales + 8 * s);
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.d)));
        const __m256 dm = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.dmin)));
        __m256 dd[C];
        for (int t = 0; t < C; ++t) dd[t] = _mm256_mul_ps(_mm256_broadcast_ss(&y[t][b].d), dw);
        // Lane l of the reference: weights 4l..4l+3 of every sub-block.
        __m256i lane[8][C];
        for (int l = 0; l < 8; ++l)
            for (int t = 0; t < C; ++t) lane[l][t] = _mm256_setzero_si256();
        const auto step = [&](int k, int l) {
            const __m256i q = load32(blk.qs + 32 * (8 * k + l));
            __m256i lo = _mm256_and_si256(q, mask), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), mask);
            if constexpr (kFifthBits) {
                const __m256i qh = load32(blk.qh + 32 * l);
                lo = _mm256_or_si256(lo, fifth_bit(qh, 2 * k));
                hi = _mm256_or_si256(hi, fifth_bit(qh, 2 * k + 1));
            }
            for (int t = 0; t < C; ++t) {
                const int8_t* a = y[t][b].qs + 64 * k + 4 * l;
                lane[l][t] = madd_acc(lane[l][t], _mm256_maddubs_epi16(lo, bcast4(a)), scale[2 * k]);
                lane[l][t] = madd_acc(lane[l][t], _mm256_maddubs_epi16(hi, bcast4(a + 32)), scale[2 * k + 1]);
            }
        };
        const auto finish = [&](int l) {
            for (int t = 0; t < C; ++t) acc[t][l] = _mm256_fmadd_ps(dd[t], _mm256_cvtepi32_ps(lane[l][t]), acc[t][l]);
        };
        walk_lanes<kWalkFrontToBack<C>, 4>(step, finish);
        // Mins: lane k of the reference is m_2k * S_2k + m_2k+1 * S_2k+1, S_s the
        // activations' sum over sub-block s (|S_s| <= 32 * 127 fits 16 bits).
        for (int t = 0; t < C; ++t) {
            const __m128i sub_sums = _mm_hadd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(y[t][b].bsums)),
                                                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(y[t][b].bsums + 8)));
            const __m256i both = _mm256_broadcastsi128_si256(sub_sums);
            const __m256i pair[4] = {_mm256_shuffle_epi32(both, 0x00), _mm256_shuffle_epi32(both, 0x55),
                                     _mm256_shuffle_epi32(both, 0xAA), _mm256_shuffle_epi32(both, 0xFF)};
            const __m256 neg_dm = _mm256_xor_ps(_mm256_mul_ps(_mm256_broadcast_ss(&y[t][b].d), dm), _mm256_set1_ps(-0.f));
            __m256i m_total = _mm256_setzero_si256();
            for (int k = 0; k < 4; ++k) {
                const __m256i mins = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.mins + 16 * k)));
                const __m256i ml = _mm256_madd_epi16(mins, pair[k]);
                if constexpr (kLaneMins) acc_min[t][k] = _mm256_fmadd_ps(neg_dm, _mm256_cvtepi32_ps(ml), acc_min[t][k]);
                else m_total = _mm256_add_epi32(m_total, ml);
            }
            // Q5_K: min_sum += (-d_a * dmin) * total, two roundings as the reference's scalar steps.
            if constexpr (!kLaneMins) min_sum[t] = _mm256_add_ps(min_sum[t], _mm256_mul_ps(neg_dm, _mm256_cvtepi32_ps(m_total)));
        }
    }
    for (int t = 0; t < C; ++t) {
        const auto add = [](__m256 x, __m256 y) { return _mm256_add_ps(x, y); };
        const __m256 sum = sum8_halving(acc[t]);
        const __m256 mins = kLaneMins ? add(add(acc_min[t][0], acc_min[t][2]), add(acc_min[t][1], acc_min[t][3])) : min_sum[t];
        _mm256_storeu_ps(out + t * ldo, add(sum, mins));
    }
}

void gemm_q4_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_k4_x8<4, BlockQ4_Kx8, true>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_k4_x8<1, BlockQ4_Kx8, true>(cols, packed, acts + c, out + c * ldo, ldo);
}

void gemm_q5_k_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                  float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_k4_x8<4, BlockQ5_Kx8, false>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_k4_x8<1, BlockQ5_Kx8, false>(cols, packed, acts + c, out + c * ldo, ldo);
}
