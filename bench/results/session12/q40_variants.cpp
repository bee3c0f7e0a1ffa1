// Stand-alone packed Q4_0 x8 mat x vec (one activation, one 8-row group of 8192 columns per
// call), streaming 1 GiB on 2 MiB pages, or hot: ./q40 V 36864 (one group, in L1).
// V: A = the kernel before session 12 (GCC folds each chunk's load into both of its uses),
//    O = each chunk loaded once (an empty asm keeps it in a register),
//    E = A with two blocks per loop iteration, P = O with two blocks per iteration.
// Other variants measured in session 12 (shorter vpdpbusd chains, activations by vpshufd or
// vpermd, offset as a start value) are described in docs/kernels.md; none moved the figure.
// g++ -O3 -std=c++20 -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512vnni q40_variants.cpp -o q40
#include <immintrin.h>
#include <sys/mman.h>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
struct Blk { uint16_t d[8]; uint8_t qs[128]; };
struct ActQ { uint16_t d; int8_t qs[32]; };
struct Info { float d; int32_t sum; };

inline __m256i dpb(__m256i acc, __m256i w, const int8_t* p) {  // vpdpbusd with a {1to8} broadcast operand
    asm("vpdpbusd %2%{1to8%}, %1, %0" : "+v"(acc) : "v"(w), "m"(*reinterpret_cast<const int32_t*>(p)));
    return acc;
}

template <bool kOnce>
inline __m256 block(const Blk& w, const ActQ& y, const Info& info, __m256 acc) {
    const __m256i mask = _mm256_set1_epi8(0x0F);
    __m256i lo[4], hi[4];
    for (int k = 0; k < 4; ++k) {
        __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w.qs + 32 * k));
        if constexpr (kOnce) asm("" : "+v"(q));
        lo[k] = _mm256_and_si256(q, mask);
        hi[k] = _mm256_and_si256(_mm256_srli_epi16(q, 4), mask);
    }
    __m256i s_lo = _mm256_setzero_si256(), s_hi = _mm256_setzero_si256();
    for (int k = 0; k < 4; ++k) s_lo = dpb(s_lo, lo[k], y.qs + 4 * k), s_hi = dpb(s_hi, hi[k], y.qs + 16 + 4 * k);
    const __m256i isum = _mm256_sub_epi32(_mm256_add_epi32(s_lo, s_hi), _mm256_slli_epi32(_mm256_set1_epi32(info.sum), 3));
    const __m256 scale = _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w.d))), _mm256_set1_ps(info.d));
    return _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), scale, acc);
}

template <bool kOnce, bool kTwo>
__attribute__((noinline)) void kernel(long nb, const Blk* w, const ActQ* y, const Info* info, float* out) {
    __m256 acc = _mm256_setzero_ps();
#pragma GCC unroll 1
    for (long b = 0; b < nb; b += kTwo ? 2 : 1) {
        acc = block<kOnce>(w[b], y[b], info[b], acc);
        if constexpr (kTwo) acc = block<kOnce>(w[b + 1], y[b + 1], info[b + 1], acc);
    }
    _mm256_storeu_ps(out, acc);
}

int main(int argc, char** argv) {
    const char v = argc > 1 ? argv[1][0] : 'A';
    const size_t hot = argc > 2 ? atol(argv[2]) : 0;
    auto* k = v == 'O' ? kernel<true, false> : v == 'E' ? kernel<false, true> : v == 'P' ? kernel<true, true> : kernel<false, false>;
    const long nbr = 8192 / 32;  // blocks per 8-row group
    const size_t groups = (hot ? hot : size_t(1) << 30) / (nbr * sizeof(Blk)), bytes = groups * nbr * sizeof(Blk);
    auto* buf = static_cast<Blk*>(aligned_alloc(1 << 21, (bytes + (1 << 21)) & ~size_t((1 << 21) - 1)));
    madvise(buf, bytes, MADV_HUGEPAGE);
    for (size_t i = 0; i < bytes; ++i) reinterpret_cast<uint8_t*>(buf)[i] = uint8_t(i * 2654435761u >> 13);
    for (size_t i = 0; i < groups * nbr; ++i)
        for (auto& d : buf[i].d) d = 0x3c00;  // 1.0
    static ActQ y[256];
    static Info info[256];
    for (int b = 0; b < 256; ++b) {
        int s = 0;
        for (int j = 0; j < 32; ++j) s += y[b].qs[j] = int8_t(j * 7 - 100);
        y[b].d = 0x3c00, info[b] = {1.f, s};
    }
    static float out[8 * 1024];
    const int reps = hot ? int((size_t(1) << 32) / bytes) : 2;
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; ++r)
            for (size_t g = 0; g < groups; ++g) k(nbr, buf + g * nbr, y, info, out + 8 * (g & 1023));
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (bytes * double(reps) / s / 1e9 > best) best = bytes * double(reps) / s / 1e9;
    }
    printf("%c hot=%zu %.1f GB/s %.1f cycles per block at 3.6 GHz (%g)\n", v, hot, best, 144 / best * 3.6, out[3]);
}
