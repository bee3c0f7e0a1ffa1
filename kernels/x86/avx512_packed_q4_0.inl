// Packed Q4_0 on 16 rows at once (part of the AVX-512 kernel body): two
// adjacent 8-row groups of one column tile side by side in 512-bit registers,
// group g in lanes 0-7 and group g + 1 in lanes 8-15. Each vpdpbusd then does
// the work of two 256-bit ones, and the four activation bytes still come as an
// embedded broadcast ({1to16}) from memory, not through a shuffle port.
//
// Why: a core that executes 512-bit operations at full width (Zen 5 server
// cores, Intel's AVX-512 cores) issues as many 512-bit vpdpbusd per cycle as
// 256-bit ones, so the prompt GEMM, which is bound by these instructions, takes
// half the cycles per weight. Zen 4 splits each into two halves: the same work,
// with half the instructions to decode and retire. docs/kernels.md, "Session 17".
//
// Per row the arithmetic is gemmc_q4_0_x8's (x86_packed.inl): exact int32
// sums, minus 8 * sum(a), then acc = fma(isum, d_w * d_a, acc) block by block.
// Same bits.

namespace {

inline __m512i dot_u8s8_acc_bcast4_512(__m512i acc, __m512i w, const int8_t* p) {
    asm("vpdpbusd %2%{1to16%}, %1, %0" : "+v"(acc) : "v"(w), "m"(*reinterpret_cast<const int32_t*>(p)));
    return acc;
}

// Helpers of the 16-row kernels (this file and the other avx512_packed_*.inl).
// 32 bytes of group 0 in the low half, the same 32 of group 1 in the high half.
inline __m512i load_pair(const void* p0, const void* p1) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(load32(p0)), load32(p1), 1);
}

// The same; the empty asm keeps the pair in a register for its two uses (as load32_once).
inline __m512i load_pair_once(const void* p0, const void* p1) {
    __m512i v = load_pair(p0, p1);
    asm("" : "+v"(v));
    return v;
}

// 16 bytes of group 0 in the low half, the same 16 of group 1 in the high half.
inline __m256i load16_pair(const void* p0, const void* p1) {
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128(static_cast<const __m128i*>(p0))),
                                   _mm_loadu_si128(static_cast<const __m128i*>(p1)), 1);
}

// 8 bytes of group 0 in the low half, the same 8 of group 1 in the high half.
inline __m128i load8_pair(const void* p0, const void* p1) {
    int64_t b0, b1;
    std::memcpy(&b0, p0, 8);
    std::memcpy(&b1, p1, 8);
    return _mm_set_epi64x(b1, b0);
}

// 8 F16 of group 0 and 8 of group 1 -> 16 floats.
inline __m512 cvtph16(const uint16_t* h0, const uint16_t* h1) { return _mm512_cvtph_ps(load16_pair(h0, h1)); }

template <int C>
void gemmc_q4_0_x16(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                    float* out, int64_t ldo) {
    const int64_t nb = cols / QK;
    const auto* w0 = static_cast<const BlockQ4_0x8*>(packed);
    const BlockQ4_0x8* w1 = w0 + nb;  // the next group of the same tile
    const BlockQ8_0* y[C];
    activation_blocks(acts, y);
    const __m512i mask = _mm512_set1_epi8(0x0F);
    __m512 acc[C];
    for (int c = 0; c < C; ++c) acc[c] = _mm512_setzero_ps();
    for (int64_t b = 0; b < nb; ++b) {
        prefetch_ahead(w0, size_t(b) * sizeof(BlockQ4_0x8));
        prefetch_ahead(w1, size_t(b) * sizeof(BlockQ4_0x8));
        __m512i lo[4], hi[4];
        for (int k = 0; k < 4; ++k) {
            const __m512i q = load_pair_once(w0[b].qs + 32 * k, w1[b].qs + 32 * k);
            lo[k] = _mm512_and_si512(q, mask);
            hi[k] = _mm512_and_si512(_mm512_srli_epi16(q, 4), mask);
        }
        const __m512 dw = cvtph16(w0[b].d, w1[b].d);
        for (int c = 0; c < C; ++c) {
            const int8_t* a = y[c][b].qs;
            __m512i s_lo = _mm512_setzero_si512(), s_hi = _mm512_setzero_si512();
            for (int k = 0; k < 4; ++k) {
                s_lo = dot_u8s8_acc_bcast4_512(s_lo, lo[k], a + 4 * k);
                s_hi = dot_u8s8_acc_bcast4_512(s_hi, hi[k], a + 16 + 4 * k);
            }
            const __m512i offset = _mm512_slli_epi32(_mm512_set1_epi32(info[c][b].sum), 3);
            const __m512i isum = _mm512_sub_epi32(_mm512_add_epi32(s_lo, s_hi), offset);
            const __m512 scale = _mm512_mul_ps(dw, _mm512_set1_ps(info[c][b].d));
            acc[c] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), scale, acc[c]);
        }
    }
    for (int c = 0; c < C; ++c) _mm512_storeu_ps(out + c * ldo, acc[c]);
}

void gemm_q4_0_x16(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                   int n_act, float* out, int64_t ldo) {
    int c = 0;
    for (; c + 4 <= n_act; c += 4) gemmc_q4_0_x16<4>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
    for (; c < n_act; ++c) gemmc_q4_0_x16<1>(cols, packed, acts + c, info + c, out + c * ldo, ldo);
}

}  // namespace
