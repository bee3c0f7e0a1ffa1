// Packed-Q4_K-like access: 1024-byte blocks (+ optional 160-byte header), 32-byte loads in the order
// 32*(8k+l) for l in 0..7, k in 0..3 (strided), or sequential. K dpbusd per 32-byte load.
#include <immintrin.h>
#include <sys/mman.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
template <int K, bool kStrided>
void run(long dist, size_t blk, size_t hot) {
    const size_t n = hot ? hot : size_t(1) << 30;
    const int reps = hot ? int((size_t(1) << 32) / hot) : 1;
    char* buf = (char*)aligned_alloc(1 << 21, n + (1 << 22)); madvise(buf, n + (1 << 22), MADV_HUGEPAGE); memset(buf, 1, n + (1 << 22));
    __m256i acc[8]; for (auto& a : acc) a = _mm256_setzero_si256();
    const __m256i x = _mm256_set1_epi8(3);
    double best = 0;
    const size_t nb = n / blk;
    for (int rep = 0; rep < 3; ++rep) {
        auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < reps; ++r)
        for (size_t b = 0; b < nb; ++b) {
            const char* p = buf + b * blk;
            if (dist) for (size_t l = 0; l < blk; l += 64) _mm_prefetch(p + dist + l, _MM_HINT_T0);
            const char* q = p + (blk - 1024);
#pragma GCC unroll 8
            for (int l = 0; l < 8; ++l)
#pragma GCC unroll 4
                for (int k = 0; k < 4; ++k) {
                    const __m256i v = _mm256_loadu_si256((const __m256i*)(q + (kStrided ? 32 * (8 * k + l) : 32 * (4 * l + k))));
#pragma GCC unroll 8
                    for (int j = 0; j < K; ++j) acc[(k * K + j) & 7] = _mm256_dpbusd_epi32(acc[(k * K + j) & 7], v, x);
                }
        }
        auto t1 = std::chrono::steady_clock::now();
        double gb = double(nb * blk) * reps / std::chrono::duration<double>(t1 - t0).count() / 1e9;
        if (gb > best) best = gb;
    }
    __m256i s = acc[0]; for (int i = 1; i < 8; ++i) s = _mm256_add_epi32(s, acc[i]);
    printf("K=%d strided=%d blk=%zu dist=%ld hot=%zu  %.1f GB/s  %.1f cyc/blk (%d)\n", K, kStrided, blk, dist, hot, best, blk / best * 3.6, _mm256_extract_epi32(s, 0));
}
int main(int argc, char** argv) {
    const int K = atoi(argv[1]); const int st = atoi(argv[2]); const long dist = atol(argv[3]); const size_t blk = atol(argv[4]); const size_t hot = argc > 5 ? atol(argv[5]) : 0;
    if (st) { if (K == 2) run<2, true>(dist, blk, hot); if (K == 4) run<4, true>(dist, blk, hot); if (K == 6) run<6, true>(dist, blk, hot); }
    else { if (K == 2) run<2, false>(dist, blk, hot); if (K == 4) run<4, false>(dist, blk, hot); if (K == 6) run<6, false>(dist, blk, hot); }
}
