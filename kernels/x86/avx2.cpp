// AVX2 + FMA + F16C kernels. Compiled with -mavx2 -mfma -mf16c; only reached
// when CPUID reports those features.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "blocks.hpp"
#include "dispatch.hpp"
#include "elementwise_math.hpp"
#include "iq_blocks.hpp"
#include "packed.hpp"
#include "q8_cache_math.hpp"
#include "scalar/iq_grids.hpp"
#include "scalar/reference.hpp"

namespace lumen::kernels::avx2 {

namespace {

// Unsigned x signed bytes to 8 int32 sums: maddubs (pairs to int16, cannot
// saturate for w < 128, |a| <= 128) then madd with ones (pairs to int32).
inline __m256i dot_u8s8(__m256i w, __m256i a) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(w, a), _mm256_set1_epi16(1));
}

// maddubs saturates its int16 pair sums: the unsigned side must stay below 128.
constexpr bool kDotTakesFullBytes = false;

// 16 vector registers: 8 lane sums and 8 accumulators would spill.
constexpr bool kLaneSumsInRegisters = false;

inline __m256i dot_u8s8_acc(__m256i acc, __m256i w, __m256i a) { return _mm256_add_epi32(acc, dot_u8s8(w, a)); }

// dot_u8s8_acc with the 4 bytes at p in every dword.
inline __m256i dot_u8s8_acc_bcast4(__m256i acc, __m256i w, const int8_t* p) {
    int32_t a4;
    std::memcpy(&a4, p, 4);
    return dot_u8s8_acc(acc, w, _mm256_set1_epi32(a4));
}


}  // namespace

#define LUMEN_X86_BODY "x86/avx2_body.inl"
#include "x86/x86_prefetch_variants.inl"

}  // namespace lumen::kernels::avx2
