// AVX-512 (F, BW, VL, VNNI) kernels. Compiled with the AVX-512 flags; only
// reached when CPUID reports them. The int8 dot products use VNNI vpdpbusd,
// which sums four u8 x s8 products straight into int32 (no int16 step).
#include <immintrin.h>

#include <cstring>

#include "blocks.hpp"
#include "dispatch.hpp"

namespace lumen::kernels::avx512 {

namespace {

inline __m256i dot_u8s8(__m256i w, __m256i a) { return _mm256_dpbusd_epi32(_mm256_setzero_si256(), w, a); }

inline __m256i dot_u8s8_scaled(__m256i w, __m256i a, int s_lo, int s_hi) {
    const __m256i scale = _mm256_set_m128i(_mm_set1_epi32(s_hi), _mm_set1_epi32(s_lo));
    return _mm256_mullo_epi32(dot_u8s8(w, a), scale);
}

}  // namespace

#include "x86/x86_kernels.inl"

}  // namespace lumen::kernels::avx512
