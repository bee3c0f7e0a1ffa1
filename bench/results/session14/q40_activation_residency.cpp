// Session 14: why packed Q4_0 streamed at ~70 % of the read probe on the Zen 4 guest.
// Streams 1 GiB of packed-Q4_0-shaped blocks (144 bytes: 8 rows x 32 weights) in rows
// of 8192 columns (groups of 256 blocks, 36 KB), one activation row of 256 Q8_0 blocks.
//   mode 0: a copy of the library's kernel (x86_packed.inl, gemmc_q4_0_x8<1>), row by row
//   mode 1: the same, activations read from 8 blocks only (so they stay in L1)
//   mode 2: the weight loads only (xor), no activations
//   mode 3 D / 4 D: mode 0 + prefetcht0 / prefetchnta of every line D bytes ahead
//   mode 6 D: mode 0 + prefetcht0 of the activation block D bytes ahead
//   mode 7: mode 0 with the activations from two 16-byte broadcasts and vpshufd
//   mode 10 T: mode 0 on a column-tiled layout: T tiles per row, tile after tile over all groups
//   mode 11 T: the library's kernel (kernel_set(avx512).packed(Q4_0)) on the tiled layout (T = 1: untiled)
// Build: g++ -O2 -std=c++20 -march=icelake-server -mtune=znver3 -Ikernels -Iinclude -Isrc \
//        q40_activation_residency.cpp build/liblumen.a -fopenmp
#include <immintrin.h>
#include <sys/mman.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
#include "dispatch.hpp"
#include "packed.hpp"
using namespace lumen;
struct Blk { uint16_t d[8]; uint8_t qs[128]; };
struct Act { uint16_t d; int8_t qs[32]; };
struct Info { float d; int sum; };
static inline __m256i once(const void* p) { __m256i v = _mm256_loadu_si256((const __m256i*)p); asm("" : "+v"(v)); return v; }
static inline int ld4(const int8_t* p) { int v; memcpy(&v, p, 4); return v; }
template <int Mode>
__attribute__((noinline)) void group(const Blk* w, const Act* y, const Info* info, float* out, long nb, long dist) {
    const __m256i mask = _mm256_set1_epi8(0x0F);
    __m256 acc = Mode == 5 ? _mm256_loadu_ps(out) : _mm256_setzero_ps();
    __m256i x = _mm256_setzero_si256();
    for (long b = 0; b < nb; ++b) {
        if (Mode == 3) for (int o = 0; o < 144; o += 64) _mm_prefetch((const char*)(w + b) + dist + o, _MM_HINT_T0);
        if (Mode == 4 || Mode == 8 || Mode == 9) for (int o = 0; o < 144; o += 64) _mm_prefetch((const char*)(w + b) + dist + o, _MM_HINT_NTA);
        if (Mode == 2) {
            for (int k = 0; k < 4; ++k) x = _mm256_xor_si256(x, once(w[b].qs + 32 * k));
            x = _mm256_xor_si256(x, _mm256_castsi128_si256(_mm_loadu_si128((const __m128i*)w[b].d)));
            continue;
        }
        if (Mode == 6 || Mode == 9) { _mm_prefetch((const char*)(y + b) + dist, _MM_HINT_T0); _mm_prefetch((const char*)(info + b) + dist / 4, _MM_HINT_T0); }
        const long ab = Mode == 1 ? (b & 7) : b;
        __m256i lo[4], hi[4];
        for (int k = 0; k < 4; ++k) { const __m256i q = once(w[b].qs + 32 * k); lo[k] = _mm256_and_si256(q, mask); hi[k] = _mm256_and_si256(_mm256_srli_epi16(q, 4), mask); }
        const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i*)w[b].d));
        const int8_t* a = y[ab].qs;
        __m256i s_lo = _mm256_setzero_si256(), s_hi = _mm256_setzero_si256();
        if (Mode >= 7) {
            const __m256i al = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i*)a));
            const __m256i ah = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i*)(a + 16)));
#define SH(k) s_lo = _mm256_dpbusd_epi32(s_lo, lo[k], _mm256_shuffle_epi32(al, k * 0x55)); s_hi = _mm256_dpbusd_epi32(s_hi, hi[k], _mm256_shuffle_epi32(ah, k * 0x55));
            SH(0) SH(1) SH(2) SH(3)
        } else
        for (int k = 0; k < 4; ++k) {
            s_lo = _mm256_dpbusd_epi32(s_lo, lo[k], _mm256_set1_epi32(ld4(a + 4 * k)));
            s_hi = _mm256_dpbusd_epi32(s_hi, hi[k], _mm256_set1_epi32(ld4(a + 16 + 4 * k)));
        }
        const __m256i off = _mm256_slli_epi32(_mm256_set1_epi32(info[ab].sum), 3);
        const __m256i is = _mm256_sub_epi32(_mm256_add_epi32(s_lo, s_hi), off);
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(is), _mm256_mul_ps(dw, _mm256_set1_ps(info[ab].d)), acc);
    }
    if (Mode == 2) acc = _mm256_castsi256_ps(x);
    _mm256_storeu_ps(out, acc);
}
int main(int argc, char** argv) {
    const int mode = atoi(argv[1]); const long dist = argc > 2 ? atol(argv[2]) : 0;
    const long nb = 256; const size_t gb = nb * 144, groups = (size_t(1) << 30) / gb, bytes = groups * gb;
    size_t sz = (bytes + (1 << 22)) & ~size_t((1 << 21) - 1);
    uint8_t* buf = (uint8_t*)aligned_alloc(1 << 21, sz); madvise(buf, sz, MADV_HUGEPAGE);
    for (size_t i = 0; i < sz; ++i) buf[i] = uint8_t(i * 2654435761u >> 13);
    static Act y[256]; static Info info[256]; static float out[8 * 8192];
    for (int b = 0; b < 256; ++b) { y[b].d = 0x3c00; for (int j = 0; j < 32; ++j) y[b].qs[j] = int8_t(j * 7 - 100 + b); info[b] = {1.f, b}; }
    auto fn = mode == 0 ? group<0> : mode == 1 ? group<1> : mode == 2 ? group<2> : mode == 3 ? group<3> : mode == 4 ? group<4> : mode == 5 ? group<5> : mode == 6 ? group<6> : mode == 7 ? group<7> : mode == 8 ? group<8> : group<9>;
    const long tiles = mode == 5 || mode >= 10 ? dist : 1, tb = nb / tiles; const size_t mgroups = 256;
    double best = 0;
    for (int rep = 0; rep < 5; ++rep) {
        auto t0 = std::chrono::steady_clock::now();
        if (mode == 11 || mode == 12) { static float part[8]; const size_t tgb = size_t(tb) * 144; auto gemm = kernels::kernel_set(Isa::avx512).packed(TensorType::Q4_0);
            static kernels::BlockQ8_0 ya[256]; static kernels::ActBlockInfo ia[256];
            for (size_t m = 0; m + mgroups <= groups; m += mgroups) for (long t = 0; t < tiles; ++t) for (size_t g = 0; g < mgroups; ++g) { float* o = out + 8 * ((m + g) & 8191);
              const void* acts[1] = {mode == 11 ? (const void*)(y + t * tb) : (const void*)(ya + t * tb)}; const kernels::ActBlockInfo* ai[1] = {mode == 11 ? (const kernels::ActBlockInfo*)(info + t * tb) : ia + t * tb};
              gemm(tb * 32, buf + m * gb + (size_t(t) * mgroups + g) * tgb, acts, ai, 1, t ? part : o, 1); if (t) for (int r = 0; r < 8; ++r) o[r] += part[r]; } }
        else if (mode == 10) { static float part[8]; const size_t tgb = size_t(tb) * 144; for (size_t m = 0; m + mgroups <= groups; m += mgroups) for (long t = 0; t < tiles; ++t) for (size_t g = 0; g < mgroups; ++g) { float* o = out + 8 * ((m + g) & 8191); group<0>((const Blk*)(buf + m * gb + (size_t(t) * mgroups + g) * tgb), y + t * tb, info + t * tb, t ? part : o, tb, 0); if (t) for (int r = 0; r < 8; ++r) o[r] += part[r]; } }
        else if (mode == 5) { for (size_t m = 0; m + mgroups <= groups; m += mgroups) for (long t = 0; t < tiles; ++t) for (size_t g = m; g < m + mgroups; ++g) fn((const Blk*)(buf + g * gb) + t * tb, y + t * tb, info + t * tb, out + 8 * (g & 8191), tb, dist); }
        else for (size_t g = 0; g < groups; ++g) fn((const Blk*)(buf + g * gb), y, info, out + 8 * (g & 8191), nb, dist);
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        double gbs = bytes / s / 1e9; if (gbs > best) best = gbs;
    }
    printf("mode %d dist %ld: %.1f GB/s (%g)\n", mode, dist, best, out[5]);
}
