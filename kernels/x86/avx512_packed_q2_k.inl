// Packed Q2_K by group sums (part of avx512.cpp, after x86_kernels.inl; the
// AVX2 build keeps x86_packed_q2_k.inl).
//
// The AVX2 kernel multiplies twice per 32 weights (4 of each of the 8 rows):
// the 2-bit fields by the activations (maddubs, int16 pairs), then the pairs
// by the group's scale (madd), and adds. Here the fields, masked in place
// (run r: bits 2r, 2r + 1, so 4^r times the value), meet the activations in
// one vpdpbusd, and the four chunks of a group of 16 weights add into one
// int32 per row before the group's scale (times 4^(3 - r), so every group
// carries 64x) multiplies it once (vpmulld): two instructions per 32 weights
// and one multiply per 128, instead of four (docs/kernels.md, "Packed Q2_K").
//
// Same bits: the int32 per row is 64 x the super-block's integer sum of
// ref::gemm_q2_k_x8 (at most 64 * 256 * 3 * 15 * 128 < 2^31), and with the
// float scale d / 64 every float step is the twin's (scaling by 64 is exact).
// tests/test_kernels_simd.cpp checks it against the scalar twin.

namespace {

// The rows' scales of the four groups 8h + 2run + parity (run 0..3) as int32
// (row r in lane r), times 64, 16, 4, 1: scale byte 8q + r holds s_a << 4 |
// s_a+4 with q = 4h + 2run + parity, a = 8h + 2run + parity for runs 0 and 1;
// the low nibble is the group of run + 2.
struct Q2KGroupScales {
    __m256i run[4];
    Q2KGroupScales(const uint8_t* scales, int h, int parity) {
        const __m256i b0 = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(scales + 8 * (4 * h + parity))));
        const __m256i b1 = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(scales + 8 * (4 * h + 2 + parity))));
        const __m256i b0x4 = _mm256_slli_epi32(b0, 2);
        run[0] = _mm256_and_si256(b0x4, _mm256_set1_epi32(0x3C0));  // high nibble x 64
        run[1] = _mm256_and_si256(b1, _mm256_set1_epi32(0xF0));     // high nibble x 16
        run[2] = _mm256_and_si256(b0x4, _mm256_set1_epi32(0x3C));   // low nibble x 4
        run[3] = _mm256_and_si256(b1, _mm256_set1_epi32(0x0F));     // low nibble x 1
    }
};

template <int C>
void gemmc_q2_k_x8_groups(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const auto* w = static_cast<const BlockQ2_Kx8*>(packed);
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    __m256 acc[C];
    for (int t = 0; t < C; ++t) acc[t] = _mm256_setzero_ps();
    const int64_t nb = cols / QK_K;
    for (int64_t b = 0; b < nb; ++b) {
        const BlockQ2_Kx8& blk = w[b];
        prefetch_lines_ahead(blk);
        __m256i isum[C];
        for (int t = 0; t < C; ++t) isum[t] = _mm256_setzero_si256();
#pragma GCC unroll 2
        for (int h = 0; h < 2; ++h)
#pragma GCC unroll 2
            for (int parity = 0; parity < 2; ++parity) {
                const Q2KGroupScales scale(blk.scales, h, parity);
#pragma GCC unroll 4
                for (int run = 0; run < 4; ++run) {  // group 8h + 2run + parity: lanes 4 parity..+3
                    const __m256i field = _mm256_set1_epi8(char(3 << (2 * run)));
                    __m256i group[C];
                    for (int t = 0; t < C; ++t) group[t] = _mm256_setzero_si256();
#pragma GCC unroll 4
                    for (int l = 4 * parity; l < 4 * parity + 4; ++l) {
                        const __m256i v = _mm256_and_si256(load32(blk.qs + 32 * (8 * h + l)), field);
                        for (int t = 0; t < C; ++t)
                            group[t] = dot_u8s8_acc_bcast4(group[t], v, y[t][b].qs + 128 * h + 32 * run + 4 * l);
                    }
                    for (int t = 0; t < C; ++t) {
                        isum[t] = _mm256_add_epi32(isum[t], _mm256_mullo_epi32(group[t], scale.run[run]));
                        keep_sum(isum[t]);
                    }
                }
            }
        const __m256 dw = _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.d))),
                                        _mm256_set1_ps(1.f / 64));
        const __m256 dm = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(blk.dmin)));
        for (int t = 0; t < C; ++t) acc[t] = q2k_accumulate(acc[t], isum[t], q2k_min_sums(blk, y[t][b]), y[t][b], dw, dm);
    }
    for (int t = 0; t < C; ++t) _mm256_storeu_ps(out + t * ldo, acc[t]);
}

void gemm_q2_k_x8_groups(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                         float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q2_k_x8_groups<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q2_k_x8_groups<1>(cols, packed, acts + c, out + c * ldo, ldo);
}

// The same on 16 rows (the prompt GEMM, 4 tokens or more): two adjacent 8-row
// groups of one column tile in 512-bit registers, group g in int32 lanes 0-7
// and g + 1 in lanes 8-15, as the 16-row Q4_0 kernel (avx512_packed_q4_0.inl
// says why, and has load_pair, load8_pair, load16_pair and cvtph16). Every operation stays inside a 32-bit lane (the broadcasts
// aside), so each row gets the 8-row kernel's bits.

struct Q2KGroupScales16 {  // Q2KGroupScales for both groups
    __m512i run[4];
    Q2KGroupScales16(const uint8_t* scales0, const uint8_t* scales1, int h, int parity) {
        const auto both = [&](int q) { return _mm512_cvtepu8_epi32(load8_pair(scales0 + 8 * q, scales1 + 8 * q)); };
        const __m512i b0 = both(4 * h + parity), b1 = both(4 * h + 2 + parity);
        const __m512i b0x4 = _mm512_slli_epi32(b0, 2);
        run[0] = _mm512_and_si512(b0x4, _mm512_set1_epi32(0x3C0));
        run[1] = _mm512_and_si512(b1, _mm512_set1_epi32(0xF0));
        run[2] = _mm512_and_si512(b0x4, _mm512_set1_epi32(0x3C));
        run[3] = _mm512_and_si512(b1, _mm512_set1_epi32(0x0F));
    }
};

// q2k_min_sums (x86_packed_q2_k.inl) for both groups.
inline __m512i q2k_min_sums16(const BlockQ2_Kx8& b0, const BlockQ2_Kx8& b1, const BlockQ8_K& y) {
    __m512i sum = _mm512_setzero_si512();
#pragma GCC unroll 4
    for (int p = 0; p < 4; ++p) {
        const __m512i m = _mm512_cvtepu8_epi16(load16_pair(b0.mins + 16 * p, b1.mins + 16 * p));
        int32_t low_pair, high_pair;
        std::memcpy(&low_pair, y.bsums + 2 * p, 4);
        std::memcpy(&high_pair, y.bsums + 2 * p + 8, 4);
        sum = madd_acc512(sum, _mm512_and_si512(m, _mm512_set1_epi16(0x0F)), _mm512_set1_epi32(low_pair));
        sum = madd_acc512(sum, _mm512_srli_epi16(m, 4), _mm512_set1_epi32(high_pair));
    }
    return sum;
}

template <int C>
void gemmc_q2_k_x16(int64_t cols, const void* packed, const void* const* acts, float* out, int64_t ldo) {
    const int64_t nb = cols / QK_K;
    const auto* w0 = static_cast<const BlockQ2_Kx8*>(packed);
    const BlockQ2_Kx8* w1 = w0 + nb;  // the next group of the same tile
    const BlockQ8_K* y[C];
    activation_blocks(acts, y);
    __m512 acc[C];
    for (int t = 0; t < C; ++t) acc[t] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        const BlockQ2_Kx8& b0 = w0[b];
        const BlockQ2_Kx8& b1 = w1[b];
        prefetch_lines_ahead(b0);
        prefetch_lines_ahead(b1);
        __m512i isum[C];
        for (int t = 0; t < C; ++t) isum[t] = _mm512_setzero_si512();
#pragma GCC unroll 2
        for (int h = 0; h < 2; ++h)
#pragma GCC unroll 2
            for (int parity = 0; parity < 2; ++parity) {
                const Q2KGroupScales16 scale(b0.scales, b1.scales, h, parity);
#pragma GCC unroll 4
                for (int run = 0; run < 4; ++run) {
                    const __m512i field = _mm512_set1_epi8(char(3 << (2 * run)));
                    __m512i group[C];
                    for (int t = 0; t < C; ++t) group[t] = _mm512_setzero_si512();
#pragma GCC unroll 4
                    for (int l = 4 * parity; l < 4 * parity + 4; ++l) {
                        const __m512i v = _mm512_and_si512(load_pair(b0.qs + 32 * (8 * h + l), b1.qs + 32 * (8 * h + l)), field);
                        for (int t = 0; t < C; ++t)
                            group[t] = dot_u8s8_acc_bcast4_512(group[t], v, y[t][b].qs + 128 * h + 32 * run + 4 * l);
                    }
                    for (int t = 0; t < C; ++t) isum[t] = _mm512_add_epi32(isum[t], _mm512_mullo_epi32(group[t], scale.run[run]));
                }
            }
        const __m512 dw = _mm512_mul_ps(cvtph16(b0.d, b1.d), _mm512_set1_ps(1.f / 64));
        const __m512 dm = cvtph16(b0.dmin, b1.dmin);
        for (int t = 0; t < C; ++t) {
            const __m512 da = _mm512_set1_ps(y[t][b].d);
            acc[t] = _mm512_fmadd_ps(_mm512_mul_ps(da, dw), _mm512_cvtepi32_ps(isum[t]), acc[t]);
            acc[t] = _mm512_fnmadd_ps(_mm512_mul_ps(da, dm), _mm512_cvtepi32_ps(q2k_min_sums16(b0, b1, y[t][b])), acc[t]);
        }
    }
    for (int t = 0; t < C; ++t) _mm512_storeu_ps(out + t * ldo, acc[t]);
}

void gemm_q2_k_x16(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const*, int n_act,
                   float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q2_k_x16<4>(cols, packed, acts + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q2_k_x16<1>(cols, packed, acts + c, out + c * ldo, ldo);
}

}  // namespace
