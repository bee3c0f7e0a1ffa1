// Stream a buffer with K vpdpbusd per 64-byte line; optional software prefetch.
#include <immintrin.h>
#include <sys/mman.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
template <int K>
void run(long dist, int mode, size_t hot) {
    const size_t n = hot ? hot : size_t(1) << 30;
    const int reps = hot ? int((size_t(1) << 32) / hot) : 4;
    char* buf = (char*)aligned_alloc(1 << 21, (n + dist + (1 << 21)) & ~size_t((1 << 21) - 1)); madvise(buf, n, MADV_HUGEPAGE); memset(buf, 1, n);
    __m256i acc[8]; for (auto& a : acc) a = _mm256_setzero_si256();
    const __m256i x = _mm256_set1_epi8(3);
    double best = 0;
    for (int rep = 0; rep < 3; ++rep) {
        auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; ++r)
        for (size_t o = 0; o < n; o += 64) {
            const char* p = buf + o;
            if (mode == 1) _mm_prefetch(p + dist, _MM_HINT_T0);
            if (mode == 2) _mm_prefetch(p + dist, _MM_HINT_T2);
            if (mode == 3) _mm_prefetch(p + dist, _MM_HINT_NTA);
            __m256i a = _mm256_load_si256((const __m256i*)p), b = _mm256_load_si256((const __m256i*)(p + 32));
            if constexpr (K == 0) { acc[0] = _mm256_add_epi8(acc[0], a); acc[1] = _mm256_add_epi8(acc[1], b); }
#pragma GCC unroll 16
            for (int k = 0; k < K; ++k) acc[k & 7] = _mm256_dpbusd_epi32(acc[k & 7], (k & 1) ? b : a, x);
        }
        auto t1 = std::chrono::steady_clock::now();
        double gb = double(n) * reps / std::chrono::duration<double>(t1 - t0).count() / 1e9;
        if (gb > best) best = gb;
    }
    __m256i s = acc[0]; for (int i = 1; i < 8; ++i) s = _mm256_add_epi32(s, acc[i]);
    printf("K=%d dist=%ld mode=%d hot=%zu  %.1f GB/s  %.2f cyc/line (%d)\n", K, dist, mode, hot, best, 64 / best * 3.6, _mm256_extract_epi32(s, 0));
}
int main(int argc, char** argv) {
    const int Kr = atoi(argv[1]); const long dist = atol(argv[2]); const int mode = atoi(argv[3]); const size_t hot = argc > 4 ? atol(argv[4]) : 0;
    switch (Kr) { case 0: run<0>(dist, mode, hot); break; case 2: run<2>(dist, mode, hot); break; case 4: run<4>(dist, mode, hot); break;
      case 6: run<6>(dist, mode, hot); break; case 8: run<8>(dist, mode, hot); break; case 12: run<12>(dist, mode, hot); break; case 16: run<16>(dist, mode, hot); break; }
}
