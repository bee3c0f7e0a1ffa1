// AVX-512 (F, BW, VL, VNNI) kernels. Compiled with the AVX-512 flags; only
// reached when CPUID reports them. The int8 dot products use VNNI vpdpbusd,
// which sums four u8 x s8 products straight into int32 (no int16 step).

// GCC 12's AVX-512 intrinsics make their "undefined" vectors as `__m512 __Y = __Y;`
// and its own -Wuninitialized / -Wmaybe-uninitialized then flag every inlined
// use (hundreds of false reports; GCC bug 105593, fixed in GCC 13). Quiet the
// two for the intrinsics header's own lines only; our code stays checked.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "blocks.hpp"
#include "dispatch.hpp"
#include "elementwise_math.hpp"
#include "iq_blocks.hpp"
#include "lane_tree.hpp"
#include "packed.hpp"
#include "q8_cache_math.hpp"
#include "scalar/iq_grids.hpp"
#include "scalar/reference.hpp"

namespace lumen::kernels::avx512 {

namespace {

inline __m256i dot_u8s8(__m256i w, __m256i a) { return _mm256_dpbusd_epi32(_mm256_setzero_si256(), w, a); }

// vpdpbusd sums four u8 x s8 products straight into int32: any unsigned byte
// (0..255) is exact, so signed weights can be biased by 128 instead of
// moving their signs onto the activations.
constexpr bool kDotTakesFullBytes = true;

// 32 vector registers (AVX-512VL reaches ymm16-31).
constexpr bool kLaneSumsInRegisters = true;

inline __m256i dot_u8s8_acc(__m256i acc, __m256i w, __m256i a) { return _mm256_dpbusd_epi32(acc, w, a); }

// dot_u8s8_acc with the 4 bytes at p in every dword, the broadcast folded into
// vpdpbusd as an embedded {1to8} memory operand (GCC 12 does not fold
// _mm256_set1_epi32 of a load): one fused instruction instead of two.
inline __m256i dot_u8s8_acc_bcast4(__m256i acc, __m256i w, const int8_t* p) {
    asm("vpdpbusd %2%{1to8%}, %1, %0" : "+v"(acc) : "v"(w), "m"(*reinterpret_cast<const int32_t*>(p)));
    return acc;
}


}  // namespace

#define LUMEN_X86_BODY "x86/avx512_body.inl"
#include "x86/x86_prefetch_variants.inl"

}  // namespace lumen::kernels::avx512
