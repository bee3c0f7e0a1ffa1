// Entry points for the llvm-mca model of the mat x vec inner loops (bench/mca.sh).
// Compiled to assembly only, never linked: it includes one x86 kernel file
// (MCA_AVX512 picks avx512.cpp, else avx2.cpp) so the file-local kernels are
// visible, and wraps each generation-path instance (one activation row) in an
// extern "C" function whose only loop is the kernel's block loop.
#include <cstdint>

// The software-prefetch variant of each body; -DMCA_HARDWARE_PREFETCH (through
// MCA_CXXFLAGS) models the one without (the policy of AMD family 19h+).
#ifdef MCA_HARDWARE_PREFETCH
#define MCA_VARIANT hardware_prefetch
#else
#define MCA_VARIANT software_prefetch
#endif
#ifdef MCA_AVX512
#include "x86/avx512.cpp"
namespace isa = lumen::kernels::avx512::MCA_VARIANT;
#else
#include "x86/avx2.cpp"
namespace isa = lumen::kernels::avx2::MCA_VARIANT;
#endif

using lumen::kernels::ActBlockInfo;

extern "C" {

// Packed 8-row layouts: one loop iteration is one block of 8 rows x 32 weights.
void mca_q4_0_x8(int64_t cols, const void* w, const void* const* a, const ActBlockInfo* const* info, float* out) {
    isa::gemmc_q4_0_x8<1>(cols, w, a, info, out, 0);
}
void mca_q8_0_x8(int64_t cols, const void* w, const void* const* a, const ActBlockInfo* const* info, float* out) {
    isa::gemmc_q8_0_x8<1>(cols, w, a, info, out, 0);
}

// The prompt GEMM on four activation rows (weight x token products per
// iteration: 8 x 32 x 4, packed Q4_K 8 x 256 x 4), and the AVX-512 build's
// 16-row ones (twice that).
void mca_q4_0_x8c4(int64_t cols, const void* w, const void* const* a, const ActBlockInfo* const* info, float* out) {
    isa::gemmc_q4_0_x8<4>(cols, w, a, info, out, 8);
}
void mca_q4_k_x8c4(int64_t cols, const void* w, const void* const* a, float* out) {
    isa::gemmc_k4_x8<4, lumen::kernels::BlockQ4_Kx8, true>(cols, w, a, out, 8);
}
#ifdef MCA_AVX512
void mca_q4_k_x16c4(int64_t cols, const void* w, const void* const* a, float* out) {
    isa::gemmc_q4_k_x16<4>(cols, w, a, out, 16);
}
#endif
#ifdef MCA_AVX512
void mca_q4_0_x16c4(int64_t cols, const void* w, const void* const* a, const ActBlockInfo* const* info, float* out) {
    isa::gemmc_q4_0_x16<4>(cols, w, a, info, out, 16);
}
#endif
// Packed Q8_0 (8 x 32 x 4 per iteration; 16 rows: twice that) and TQ2_0 (8 x 256 x 4; 16 rows: twice that).
void mca_q8_0_x8c4(int64_t cols, const void* w, const void* const* a, const ActBlockInfo* const* info, float* out) {
    isa::gemmc_q8_0_x8<4>(cols, w, a, info, out, 8);
}
void mca_tq2_0_x8c4(int64_t cols, const void* w, const void* const* a, float* out) {
    isa::gemmc_tq2_0_x8<4>(cols, w, a, out, 8);
}
#ifdef MCA_AVX512
void mca_q8_0_x16c4(int64_t cols, const void* w, const void* const* a, const ActBlockInfo* const* info, float* out) {
    isa::gemmc_q8_0_x16<4>(cols, w, a, info, out, 16);
}
void mca_tq2_0_x16c4(int64_t cols, const void* w, const void* const* a, float* out) {
    isa::gemmc_tq2_0_x16<4>(cols, w, a, out, 16);
}
#endif
// Packed Q2_K (the AVX-512 build's group-sum kernel) and Q6_K: 8 x 256 x 4 per iteration; 16 rows: twice that.
#ifdef MCA_AVX512
void mca_q2_k_x8c4(int64_t cols, const void* w, const void* const* a, float* out) {
    isa::gemmc_q2_k_x8_groups<4>(cols, w, a, out, 8);
}
void mca_q2_k_x16c4(int64_t cols, const void* w, const void* const* a, float* out) { isa::gemmc_q2_k_x16<4>(cols, w, a, out, 16); }
#else
void mca_q2_k_x8c4(int64_t cols, const void* w, const void* const* a, float* out) { isa::gemmc_q2_k_x8<4>(cols, w, a, out, 8); }
#endif
void mca_q6_k_x8c4(int64_t cols, const void* w, const void* const* a, float* out) { isa::gemmc_q6_k_x8<4>(cols, w, a, out, 8); }
#ifdef MCA_AVX512
void mca_q6_k_x16c4(int64_t cols, const void* w, const void* const* a, float* out) {
    isa::gemmc_q6_k_x16<4>(cols, w, a, out, 16);
}
#endif

// Packed Q4_K and Q5_K: one iteration is one super-block of 8 rows (2048 weights).
void mca_q4_k_x8(int64_t cols, const void* w, const void* const* a, float* out) {
    isa::gemmc_k4_x8<1, lumen::kernels::BlockQ4_Kx8, true>(cols, w, a, out, 0);
}
void mca_q5_k_x8(int64_t cols, const void* w, const void* const* a, float* out) {
    isa::gemmc_k4_x8<1, lumen::kernels::BlockQ5_Kx8, false>(cols, w, a, out, 0);
}
// Packed Q2_K: one iteration is one super-block of 8 rows (2048 weights); the
// AVX-512 build's is the group-sum kernel (avx512_packed_q2_k.inl).
#ifdef MCA_AVX512
void mca_q2_k_x8(int64_t cols, const void* w, const void* const* a, float* out) { isa::gemmc_q2_k_x8_groups<1>(cols, w, a, out, 0); }
#else
void mca_q2_k_x8(int64_t cols, const void* w, const void* const* a, float* out) { isa::gemmc_q2_k_x8<1>(cols, w, a, out, 0); }
#endif
// Packed Q6_K: the same (its inner loops fully unrolled: the loop is the whole super-block).
void mca_q6_k_x8(int64_t cols, const void* w, const void* const* a, float* out) { isa::gemmc_q6_k_x8<1>(cols, w, a, out, 0); }
// Packed Q3_K: the same; and 4 tokens (8 x 256 x 4 per iteration).
void mca_q3_k_x8(int64_t cols, const void* w, const void* const* a, float* out) { isa::gemmc_q3_k_x8<1>(cols, w, a, out, 0); }
void mca_q3_k_x8c4(int64_t cols, const void* w, const void* const* a, float* out) { isa::gemmc_q3_k_x8<4>(cols, w, a, out, 8); }
#ifdef MCA_AVX512
void mca_q3_k_x16c4(int64_t cols, const void* w, const void* const* a, float* out) {
    isa::gemmc_q3_k_x16<4>(cols, w, a, out, 16);
}
#endif
// Packed TQ2_0: one iteration is one block of 8 rows (2048 weights).
void mca_tq2_0_x8(int64_t cols, const void* w, const void* const* a, float* out) { isa::gemmc_tq2_0_x8<1>(cols, w, a, out, 0); }

// Per-row super-block kernels: one iteration is 256 weights of one row (the
// AVX-512 build's Q6_K is its 512-bit twin, avx512_kquant_sums.inl).
void mca_q4_k(int64_t n, const void* w, const void* const* a, float* out) { isa::dotc_q4_k<1>(n, w, a, out); }
#ifdef MCA_AVX512
void mca_q6_k(int64_t n, const void* w, const void* const* a, float* out) { isa::dotc_q6_k_512<1>(n, w, a, out); }
#else
void mca_q6_k(int64_t n, const void* w, const void* const* a, float* out) { isa::dotc_q6_k<1>(n, w, a, out); }
#endif
void mca_q2_k(int64_t n, const void* w, const void* const* a, float* out) { isa::dotc_q2_k<1>(n, w, a, out); }
void mca_q3_k(int64_t n, const void* w, const void* const* a, float* out) { isa::dotc_q3_k<1>(n, w, a, out); }
void mca_tq2_0(int64_t n, const void* w, const void* const* a, float* out) { isa::dotc_tq2_0<1>(n, w, a, out); }

}  // extern "C"
