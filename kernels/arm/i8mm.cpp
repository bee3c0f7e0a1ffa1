// ARMv8.6 int8 matrix-multiply kernels (smmla): Cortex-A510/A710/X2 and newer,
// Neoverse V1/N2 (Graviton 3), Apple M2+. The dot-product kernels of
// dotprod.cpp, plus packed matrix kernels that take two tokens at once with
// smmla (a 2x8 by 8x2 int8 product per instruction: twice sdot's work).
#include <arm_neon.h>

#include <algorithm>
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "blocks.hpp"
#include "dispatch.hpp"
#include "elementwise_math.hpp"
#include "fp16.hpp"
#include "iq_blocks.hpp"
#include "packed.hpp"
#include "q8_cache_math.hpp"
#include "scalar/iq_grids.hpp"
#include "scalar/reference.hpp"

namespace lumen::kernels::i8mm {

#include "arm/arm_sdot.inl"

#include "arm/arm_kernels.inl"

namespace {

// Packed kernels with smmla, two tokens per instruction. For weights 8s..8s+7
// (the parts 2s and 2s+1 of a packed block), rows (2m, 2m+1) are one zip of
// the two parts' 32-bit lanes; the activations are the two tokens' 8 bytes.
// Each smmla adds [t0.rA, t0.rB, t1.rA, t1.rB]; the integer sums per row and
// token are exact, and the float step is the scalar twin's, so the results
// are the same bits as the dotprod and scalar kernels.
struct DecodedMmla {
    int8x16_t rows[4][4];  // weights 8s.., row pair m
    float32x4_t d[2];
};

template <class Packed, class Decode>
inline void decode_mmla(const Packed& b, DecodedMmla& m, Decode decode) {
    DecodedX8 u;
    decode(b, u);
    for (int s = 0; s < 4; ++s)
        for (int h = 0; h < 2; ++h) {
            const int32x4_t p0 = vreinterpretq_s32_s8(u.w[2 * s][h]), p1 = vreinterpretq_s32_s8(u.w[2 * s + 1][h]);
            m.rows[s][2 * h] = vreinterpretq_s8_s32(vzip1q_s32(p0, p1));
            m.rows[s][2 * h + 1] = vreinterpretq_s8_s32(vzip2q_s32(p0, p1));
        }
    m.d[0] = u.d[0];
    m.d[1] = u.d[1];
}

// NP token pairs (2 * NP activations) against one 8-row group.
template <int NP, class Packed, class Decode>
void gemm_pairs_x8(int64_t cols, const void* packed, const void* const* acts, const ActBlockInfo* const* info,
                   float* out, int64_t ldo, int offset, Decode decode) {
    const auto* w = static_cast<const Packed*>(packed);
    const BlockQ8_0* y[2 * NP];
    activation_blocks(acts, y);
    float32x4_t acc[2 * NP][2];
    for (auto& a : acc) a[0] = a[1] = vdupq_n_f32(0.f);
    DecodedMmla m;
    for (int64_t b = 0; b < cols / QK; ++b) {
        prefetch_ahead(w + b);
        decode_mmla(w[b], m, decode);
        for (int pair = 0; pair < NP; ++pair) {
            const int t0 = 2 * pair, t1 = t0 + 1;
            int32x4_t sums[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
            for (int s = 0; s < 4; ++s) {
                const int8x16_t a = vcombine_s8(vld1_s8(y[t0][b].qs + 8 * s), vld1_s8(y[t1][b].qs + 8 * s));
                for (int r = 0; r < 4; ++r) sums[r] = vmmlaq_s32(sums[r], a, m.rows[s][r]);
            }
            // sums[r] = [t0.row 2r, t0.row 2r+1, t1.row 2r, t1.row 2r+1]
            for (int t = 0; t < 2; ++t) {
                const int tok = t0 + t;
                const int32x4_t off = vdupq_n_s32(offset * info[tok][b].sum);
                const float da = info[tok][b].d;
                for (int h = 0; h < 2; ++h) {
                    const int64x2_t lo = vreinterpretq_s64_s32(sums[2 * h]), hi = vreinterpretq_s64_s32(sums[2 * h + 1]);
                    const int32x4_t rows = vreinterpretq_s32_s64(t == 0 ? vzip1q_s64(lo, hi) : vzip2q_s64(lo, hi));
                    const int32x4_t isum = vsubq_s32(rows, off);
                    acc[tok][h] = vfmaq_f32(acc[tok][h], vcvtq_f32_s32(isum), vmulq_n_f32(m.d[h], da));
                }
            }
        }
    }
    for (int c = 0; c < 2 * NP; ++c) {
        vst1q_f32(out + c * ldo, acc[c][0]);
        vst1q_f32(out + c * ldo + 4, acc[c][1]);
    }
}

#define LUMEN_MMLA_KERNEL(name, Packed, offset)                                                            \
    void gemm_mmla_##name##_x8(int64_t cols, const void* packed, const void* const* acts,                  \
                               const ActBlockInfo* const* info, int n_act, float* out, int64_t ldo) {      \
        auto decode = [](const Packed& b, DecodedX8& u) { decode_##name##_x8(b, u); };                     \
        int c = 0;                                                                                         \
        for (; c + 4 <= n_act; c += 4)                                                                     \
            gemm_pairs_x8<2, Packed>(cols, packed, acts + c, info + c, out + c * ldo, ldo, offset, decode); \
        for (; c + 2 <= n_act; c += 2)                                                                     \
            gemm_pairs_x8<1, Packed>(cols, packed, acts + c, info + c, out + c * ldo, ldo, offset, decode); \
        for (; c < n_act; ++c)                                                                             \
            gemmc_x8<1, Packed>(cols, packed, acts + c, info + c, out + c * ldo, ldo, offset, decode);     \
    }

LUMEN_MMLA_KERNEL(q4_0, BlockQ4_0x8, 8)
LUMEN_MMLA_KERNEL(q5_0, BlockQ5_0x8, 16)
LUMEN_MMLA_KERNEL(iq4_nl, BlockQ4_0x8, 0)
LUMEN_MMLA_KERNEL(q8_0, BlockQ8_0x8, 0)
#undef LUMEN_MMLA_KERNEL

}  // namespace

void fill_kernel_set(KernelSet& ks) {
    fill_common(ks);
    using T = lumen::TensorType;
    ks.packed_gemm[size_t(T::Q4_0)] = gemm_mmla_q4_0_x8;
    ks.packed_gemm[size_t(T::Q5_0)] = gemm_mmla_q5_0_x8;
    ks.packed_gemm[size_t(T::IQ4_NL)] = gemm_mmla_iq4_nl_x8;
    ks.packed_gemm[size_t(T::Q8_0)] = gemm_mmla_q8_0_x8;
}

}  // namespace lumen::kernels::i8mm
