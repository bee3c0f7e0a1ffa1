// Dot products of the 32-element block types (part of the x86 kernel body; see
// x86_kernels.inl). Each kernel is written once as dotc_<type><C>: one pass
// over a weight row computes its dot product with C activation rows, decoding
// each weight block once. dot_<type> (C = 1, generation) and dot4_<type>
// (C = 4, prompt processing) are instances of the same code, so a token gets
// bit-identical results whichever path computes it.

#define LUMEN_DOT_ENTRY_POINTS(name)                                                   \
    float dot_##name(int64_t n, const void* w, const void* a) {                         \
        float r;                                                                        \
        dotc_##name<1>(n, w, &a, &r);                                                   \
        return r;                                                                       \
    }                                                                                   \
    void dot4_##name(int64_t n, const void* w, const void* const* a, float* out) {      \
        dotc_##name<4>(n, w, a, out);                                                   \
    }

// Weight rows stream from memory once: asking for every cache line of a block
// some distance ahead keeps enough loads in flight to approach the memory
// bandwidth on the Intel cores measured, but streamed 20-60 % slower than the
// hardware prefetchers alone on an AMD Zen 4: each body is compiled with and
// without it (kSoftwarePrefetch) and the CPU's policy picks one
// (weight_prefetch_policy in cpu_x86.cpp; docs/kernels.md, session 11). The
// distances were tuned with BM_MatVecStream (docs/kernels.md,
// "Session 8: prefetch distance"): 2 KiB ahead for rows and the 8-row packed
// blocks, 1 KiB for the packed K-quant super-blocks (0.7-1.7 KiB each, whose
// kernels ask for a whole super-block's lines at once). Farther ahead (4 KiB,
// the default until session 8) streamed up to 30 % slower on 2 MiB pages.
// Build-time knobs for tuning on a new machine: LUMEN_PREFETCH_BYTES,
// LUMEN_PREFETCH_SUPERBLOCK_BYTES (distances), LUMEN_PREFETCH_EVERY_LINE=0
// (a block's first line only) and LUMEN_PREFETCH_HINT (_MM_HINT_T0: into L1;
// _MM_HINT_T1: into L2 only).
#ifndef LUMEN_PREFETCH_HINT
#define LUMEN_PREFETCH_HINT _MM_HINT_T0
#endif
#ifndef LUMEN_PREFETCH_BYTES
#define LUMEN_PREFETCH_BYTES 2048
#endif
#ifndef LUMEN_PREFETCH_SUPERBLOCK_BYTES
#define LUMEN_PREFETCH_SUPERBLOCK_BYTES 1024
#endif
#ifndef LUMEN_PREFETCH_EVERY_LINE
#define LUMEN_PREFETCH_EVERY_LINE 1
#endif
inline constexpr size_t kPrefetchBytes = LUMEN_PREFETCH_BYTES;
inline constexpr size_t kPrefetchSuperBlockBytes = LUMEN_PREFETCH_SUPERBLOCK_BYTES;

inline void prefetch_ahead(const void* base, size_t offset) {
    if constexpr (kSoftwarePrefetch) _mm_prefetch(static_cast<const char*>(base) + offset + kPrefetchBytes, LUMEN_PREFETCH_HINT);
}

// Blocks larger than a cache line (K-quants, 8-row packed blocks): every line
// of the block (with LUMEN_PREFETCH_EVERY_LINE=0 its first line only). Without
// a prefetch, a line waits for the hardware prefetcher or a demand load, and
// demand loads only reach as far ahead as the reorder buffer: a few hundred
// bytes of weights for ~100 instructions per 144 bytes.
template <class Block>
inline void prefetch_ahead(const Block* base, size_t offset) {
    const char* p = reinterpret_cast<const char*>(base) + offset + kPrefetchBytes;
    constexpr size_t span = !kSoftwarePrefetch ? 0 : LUMEN_PREFETCH_EVERY_LINE ? sizeof(Block) : 1;
    for (size_t o = 0; o < span; o += 64) _mm_prefetch(p + o, LUMEN_PREFETCH_HINT);
}

template <class B, int C>
inline void activation_blocks(const void* const* av, const B* (&y)[C]) {
    for (int c = 0; c < C; ++c) y[c] = static_cast<const B*>(av[c]);
}

template <int C>
inline void zero(__m256 (&acc)[C]) {
    for (int c = 0; c < C; ++c) acc[c] = _mm256_setzero_ps();
}

// Q8_0, Q4_0, Q5_0 and IQ4_NL: signed values (|w| <= 127, so the sign trick
// is exact) decoded per block, against Q8_0 activations.
template <int C, class Decode>
void dotc_signed32(int64_t n, const void* const* av, float* out, Decode decode, const void* wbase, size_t wsize) {
    const BlockQ8_0* y[C];
    activation_blocks(av, y);
    __m256 acc[C];
    zero(acc);
    for (int64_t i = 0; i < n / QK; ++i) {
        prefetch_ahead(wbase, size_t(i) * wsize);
        float dx;
        const __m256i w = decode(i, dx);
        const __m256i aw = _mm256_sign_epi8(w, w);
        for (int c = 0; c < C; ++c) {
            const __m256i p = dot_u8s8(aw, _mm256_sign_epi8(load32(y[c][i].qs), w));
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(dx * half(y[c][i].d)), _mm256_cvtepi32_ps(p), acc[c]);
        }
    }
    for (int c = 0; c < C; ++c) out[c] = hsum(acc[c]);
}

template <int C>
void dotc_q8_0(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ8_0*>(wv);
    dotc_signed32<C>(n, av, out, [x](int64_t i, float& d) {
        d = half(x[i].d);
        return load32(x[i].qs);
    }, x, sizeof(*x));
}
LUMEN_DOT_ENTRY_POINTS(q8_0)

template <int C>
void dotc_q4_0(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ4_0*>(wv);
    dotc_signed32<C>(n, av, out, [x](int64_t i, float& d) {
        d = half(x[i].d);
        return _mm256_sub_epi8(nibbles32(x[i].qs), _mm256_set1_epi8(8));
    }, x, sizeof(*x));
}
LUMEN_DOT_ENTRY_POINTS(q4_0)

inline __m256i q5_values(const uint8_t* qs, const uint8_t* qh) {
    uint32_t bits;
    std::memcpy(&bits, qh, 4);
    const __m256i high = _mm256_and_si256(bits_to_bytes(bits), _mm256_set1_epi8(0x10));
    return _mm256_or_si256(nibbles32(qs), high);
}

template <int C>
void dotc_q5_0(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ5_0*>(wv);
    dotc_signed32<C>(n, av, out, [x](int64_t i, float& d) {
        d = half(x[i].d);
        return _mm256_sub_epi8(q5_values(x[i].qs, x[i].qh), _mm256_set1_epi8(16));
    }, x, sizeof(*x));
}
LUMEN_DOT_ENTRY_POINTS(q5_0)

template <int C>
void dotc_iq4_nl(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockIQ4_NL*>(wv);
    const __m128i levels = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kIQ4NL));
    const __m256i table = _mm256_set_m128i(levels, levels);
    dotc_signed32<C>(n, av, out, [x, table](int64_t i, float& d) {
        d = half(x[i].d);
        return _mm256_shuffle_epi8(table, nibbles32(x[i].qs));
    }, x, sizeof(*x));
}
LUMEN_DOT_ENTRY_POINTS(iq4_nl)

// Q4_1 and Q5_1: unsigned values with a per-block minimum (activations in Q8_1).
template <int C, class Decode>
void dotc_unsigned32(int64_t n, const void* const* av, float* out, Decode decode, const void* wbase, size_t wsize) {
    const BlockQ8_1* y[C];
    activation_blocks(av, y);
    __m256 acc[C];
    zero(acc);
    float mins[C] = {};
    for (int64_t i = 0; i < n / QK; ++i) {
        prefetch_ahead(wbase, size_t(i) * wsize);
        float dx, mx;
        const __m256i w = decode(i, dx, mx);
        for (int c = 0; c < C; ++c) {
            const __m256i p = dot_u8s8(w, load32(y[c][i].qs));
            acc[c] = _mm256_fmadd_ps(_mm256_set1_ps(dx * half(y[c][i].d)), _mm256_cvtepi32_ps(p), acc[c]);
            mins[c] += mx * half(y[c][i].s);
        }
    }
    for (int c = 0; c < C; ++c) out[c] = hsum(acc[c]) + mins[c];
}

template <int C>
void dotc_q4_1(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ4_1*>(wv);
    dotc_unsigned32<C>(n, av, out, [x](int64_t i, float& d, float& m) {
        d = half(x[i].d);
        m = half(x[i].m);
        return nibbles32(x[i].qs);
    }, x, sizeof(*x));
}
LUMEN_DOT_ENTRY_POINTS(q4_1)

template <int C>
void dotc_q5_1(int64_t n, const void* wv, const void* const* av, float* out) {
    const auto* x = static_cast<const BlockQ5_1*>(wv);
    dotc_unsigned32<C>(n, av, out, [x](int64_t i, float& d, float& m) {
        d = half(x[i].d);
        m = half(x[i].m);
        return q5_values(x[i].qs, x[i].qh);
    }, x, sizeof(*x));
}
LUMEN_DOT_ENTRY_POINTS(q5_1)
